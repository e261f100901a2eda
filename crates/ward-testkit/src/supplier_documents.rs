//! Suppliers' advisory documents for tests, written here in the shapes the standards give (CSAF
//! 2.0 `csaf_security_advisory`, CycloneDX 1.5 VEX), about the fixture supplier's PathLab LIMS.

use serde_json::{Value, json};

/// The CPE of one release of PathLab LIMS (the fixture supplier's confirmed product).
pub fn lims_cpe(version: &str) -> String {
    format!("cpe:2.3:a:pathlab:lims:{version}:*:*:*:*:*:*:*")
}

/// A CSAF 2.0 security advisory from PathLab: `cve` affects LIMS `affected`, fixed in `fixed`.
/// `tracking_id` must be new for each published document.
pub fn csaf_advisory(tracking_id: &str, cve: &str, affected: &str, fixed: &str) -> Value {
    json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "lang": "en",
            "title": format!("PathLab LIMS: remote code execution in the results interface ({cve})"),
            "publisher": {
                "category": "vendor",
                "name": "PathLab Ltd",
                "namespace": "https://psirt.pathlab.example"
            },
            "distribution": {"tlp": {"label": "AMBER"}},
            "notes": [{
                "category": "summary",
                "title": "Summary",
                "text": "An unauthenticated attacker can run code on the LIMS server through the HL7 results interface."
            }],
            "references": [{
                "category": "self",
                "summary": "This advisory",
                "url": format!("https://psirt.pathlab.example/advisories/{tracking_id}.json")
            }],
            "tracking": {
                "id": tracking_id,
                "status": "final",
                "version": "1",
                "initial_release_date": "2026-05-30T09:00:00.000Z",
                "current_release_date": "2026-05-30T09:00:00.000Z",
                "revision_history": [{"date": "2026-05-30T09:00:00.000Z", "number": "1", "summary": "Initial release"}],
                "generator": {"engine": {"name": "Ward tests"}}
            }
        },
        "product_tree": {
            "branches": [{
                "category": "vendor",
                "name": "PathLab",
                "branches": [{
                    "category": "product_name",
                    "name": "LIMS",
                    "branches": [
                        {
                            "category": "product_version",
                            "name": affected,
                            "product": {
                                "name": format!("PathLab LIMS {affected}"),
                                "product_id": "CSAFPID-0001",
                                "product_identification_helper": {"cpe": lims_cpe(affected)}
                            }
                        },
                        {
                            "category": "product_version",
                            "name": fixed,
                            "product": {
                                "name": format!("PathLab LIMS {fixed}"),
                                "product_id": "CSAFPID-0002",
                                "product_identification_helper": {"cpe": lims_cpe(fixed)}
                            }
                        }
                    ]
                }]
            }]
        },
        "vulnerabilities": [{
            "cve": cve,
            "notes": [{"category": "description", "text": "Improper input validation in the HL7 results interface."}],
            "product_status": {"known_affected": ["CSAFPID-0001"], "fixed": ["CSAFPID-0002"]},
            "remediations": [{
                "category": "vendor_fix",
                "details": format!("Upgrade PathLab LIMS to {fixed}"),
                "product_ids": ["CSAFPID-0001"]
            }],
            "scores": [{
                "products": ["CSAFPID-0001"],
                "cvss_v3": {
                    "version": "3.1",
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                    "baseScore": 9.8,
                    "baseSeverity": "CRITICAL"
                }
            }]
        }]
    })
}

/// A CycloneDX 1.5 VEX from PathLab: `cve` is exploitable in LIMS `affected` (and each
/// `also_named` component, by its CPE).
pub fn cyclonedx_vex(cve: &str, affected: &str, also_named: &[(&str, &str)]) -> Value {
    let mut components = vec![json!({
        "type": "application",
        "bom-ref": "lims",
        "name": "PathLab LIMS",
        "version": affected,
        "cpe": lims_cpe(affected)
    })];
    let mut affects = vec![json!({"ref": "lims"})];
    for (i, (name, cpe)) in also_named.iter().enumerate() {
        let r = format!("other-{i}");
        components.push(json!({"type": "application", "bom-ref": r, "name": name, "cpe": cpe}));
        affects.push(json!({"ref": r}));
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {"timestamp": "2026-05-30T09:00:00Z", "supplier": {"name": "PathLab Ltd"}},
        "components": components,
        "vulnerabilities": [{
            "id": cve,
            "source": {"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{cve}")},
            "ratings": [{"score": 8.1, "severity": "high", "method": "CVSSv31",
                         "vector": "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "description": "Session tokens of the LIMS web client can be predicted.",
            "recommendation": "Apply the PathLab LIMS hotfix HF-2026-07 and restart the web client service.",
            "analysis": {"state": "exploitable", "response": ["update"], "detail": "All sites running this release."},
            "affects": affects
        }]
    })
}
