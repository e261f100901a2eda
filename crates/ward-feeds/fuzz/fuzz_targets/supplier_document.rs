//! Suppliers' advisory documents: any bytes as an uploaded CSAF 2.0 or CycloneDX VEX (JSON or XML,
//! plain or gzip), within small limits. Nothing may panic; a document that reads has a statement
//! for every product it names and no more than the node limit allows, and every problem of an XML
//! document is located under its root element.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_feeds::SupplierDocumentError;

fuzz_target!(|data: &[u8]| {
    let limits = ward_feeds::Limits {
        max_bytes: 1 << 20,
        max_nodes: 100_000,
        deadline: None,
    };
    match ward_feeds::read_supplier_document("fuzz-advisory", data, &limits) {
        Ok(doc) => {
            assert!(doc.statements.len() <= limits.max_nodes);
            assert!(doc.actions.len() <= 50);
        }
        Err(SupplierDocumentError::Invalid(problems)) => {
            let xml = data
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'<');
            if xml {
                assert!(problems.iter().all(|p| p.path.starts_with("/bom")));
            }
        }
        Err(SupplierDocumentError::Unreadable(_)) => {}
    }
});
