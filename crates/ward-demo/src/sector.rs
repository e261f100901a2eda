//! The organisation plan: the national body, regions, ICBs, trusts, GP practices, care providers and
//! their sites, and suppliers, each with a private profile (type, size, patching posture, products
//! used, links to the organisations it leans on). Parents always come before their children.

use crate::Scale;
use crate::catalogue::Posture;
use crate::key::Key;
use crate::names::{self, ICBS, IcbInfo, REGIONS};
use crate::suppliers::{PRODUCTS, ProductKey, SUPPLIERS};
use jiff::civil::{Date, date};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use ward_core::OrgId;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::supplier::Product;
use ward_core::{ProductId, ValidationError};

/// What sort of trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrustType {
    Acute,
    MentalHealth,
    Community,
    Ambulance,
}

/// What sort of adult social care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CareType {
    CareHome,
    HomeCare,
}

/// The finer shape of an organisation than its [`OrgKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    National,
    Region,
    Icb,
    Trust(TrustType),
    Practice,
    Provider { care: CareType, sites: u8 },
    Site(CareType),
    Supplier,
}

/// Products an organisation uses, by purpose.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Choices {
    /// EPR, GP clinical system or care-management system.
    pub record: Option<ProductKey>,
    pub pathology: Option<ProductKey>,
    pub imaging: Option<ProductKey>,
    pub urgent: Option<ProductKey>,
    pub dispatch: Option<ProductKey>,
    /// The internet-facing remote access gateway.
    pub gateway: Option<ProductKey>,
    pub connectivity: Option<ProductKey>,
    pub remote_support: Option<ProductKey>,
}

/// Private facts about one organisation that its inventory is generated from.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub shape: Shape,
    /// Throughput multiplier around 1.0.
    pub size: f32,
    /// Exact number of assets its inventory holds.
    pub assets: u32,
    pub posture: Posture,
    pub choices: Choices,
    /// Index of the trust whose pathology service this organisation's tests go to.
    pub hub: Option<u32>,
    /// Care provider: the GP practice that prescribes for its residents. Care site: its provider.
    pub link: Option<u32>,
}

struct Spec {
    regions: usize,
    icbs_per_region: Option<usize>,
    ambulance_per_region: Option<usize>,
    trusts: usize,
    practices: usize,
    providers: usize,
    multi_site_chance: f64,
    /// Sites per multi-site provider, inclusive.
    sites: (u8, u8),
    full_density: bool,
}

fn spec(scale: Scale) -> Spec {
    match scale {
        Scale::Small => Spec {
            regions: 1,
            icbs_per_region: Some(3),
            ambulance_per_region: Some(1),
            trusts: 7,
            practices: 40,
            providers: 30,
            multi_site_chance: 1.0,
            sites: (1, 3),
            full_density: false,
        },
        Scale::Region => Spec {
            regions: 1,
            icbs_per_region: None,
            ambulance_per_region: None,
            trusts: 39,
            practices: 1000,
            providers: 3000,
            multi_site_chance: 0.1,
            sites: (2, 4),
            full_density: true,
        },
        Scale::National => Spec {
            regions: 7,
            icbs_per_region: None,
            ambulance_per_region: None,
            trusts: 200,
            practices: 6200,
            providers: 18_500,
            multi_site_chance: 0.09,
            sites: (2, 4),
            full_density: true,
        },
    }
}

/// The organisations, their profiles, the products, and who the personas sit on.
pub(crate) struct Sector {
    pub orgs: Vec<Organisation>,
    pub profiles: Vec<Profile>,
    pub products: Vec<Product>,
    /// Indices for the personas: national body, region, trust, ICB, pathology supplier, practice.
    pub anchors: Anchors,
}

/// Organisations the personas are placed on.
pub(crate) struct Anchors {
    pub national: usize,
    pub region: usize,
    pub trust: usize,
    pub icb: usize,
    pub pathology_supplier: usize,
    pub practice: usize,
}

struct Builder {
    seed: u64,
    full_density: bool,
    orgs: Vec<Organisation>,
    profiles: Vec<Profile>,
}

/// Share `total` out in proportion to `weights` (largest remainder), so the parts sum exactly.
pub(crate) fn apportion(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let t = total as u64;
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|w| (t * u64::from(*w) / sum) as usize)
        .collect();
    let mut rest: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| ((t * u64::from(*w)) % sum, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total.saturating_sub(parts.iter().sum());
    for (_, i) in rest.into_iter().take(short) {
        parts[i] += 1;
    }
    parts
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, options: &[(T, u32)]) -> Option<T> {
    let total: u32 = options.iter().map(|o| o.1).sum();
    if total == 0 {
        return None;
    }
    let mut roll = rng.random_range(0..total);
    for (item, w) in options {
        if roll < *w {
            return Some(*item);
        }
        roll -= w;
    }
    None
}

fn days_before(today: Date, days: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    today.checked_sub(span).ok()
}

impl Builder {
    fn push(
        &mut self,
        code: &str,
        name: String,
        kind: OrgKind,
        parent: Option<usize>,
        (postcode, opened): (Option<String>, Option<Date>),
        profile: Profile,
    ) -> Result<usize, ValidationError> {
        let code = OdsCode::parse(code)?;
        let parent = match parent {
            Some(p) => {
                let parent_org = self
                    .orgs
                    .get(p)
                    .ok_or_else(|| ValidationError::new("parent", "missing"))?;
                ward_core::org::check_parent(kind, parent_org.kind)?;
                Some(parent_org.id)
            }
            None => None,
        };
        let id = OrgId::from_uuid(Key::new(self.seed, "org").text(code.as_str()).uuid());
        self.orgs.push(Organisation {
            id,
            code,
            name,
            kind,
            parent,
            postcode,
            opened,
            closed: None,
        });
        self.profiles.push(profile);
        Ok(self.orgs.len() - 1)
    }

    fn profile_rng(&self, code: &str) -> ChaCha8Rng {
        Key::new(self.seed, "profile").text(code).rng()
    }

    /// Asset count for an organisation: full estates at region and national scale, a trimmed but
    /// proportionate sample in the small demo so it loads instantly.
    fn asset_count(&self, shape: Shape, size: f32, rng: &mut ChaCha8Rng) -> u32 {
        let full = self.full_density;
        let scaled = |base: f32| (base * size).round() as u32;
        match shape {
            Shape::National => rng.random_range(if full { 300..=500 } else { 40..=60 }),
            Shape::Region => rng.random_range(if full { 60..=120 } else { 15..=25 }),
            Shape::Icb => rng.random_range(if full { 400..=800 } else { 30..=50 }),
            Shape::Trust(t) => {
                let base = match t {
                    TrustType::Acute => 2800.0,
                    TrustType::MentalHealth => 1600.0,
                    TrustType::Community => 1300.0,
                    TrustType::Ambulance => 1900.0,
                };
                scaled(if full { base } else { base / 9.0 })
            }
            Shape::Practice => rng.random_range(if full { 30..=70 } else { 10..=25 }),
            Shape::Provider { sites, .. } => match (sites, full) {
                (0, true) => rng.random_range(2..=7),
                (0, false) => rng.random_range(2..=5),
                (_, true) => rng.random_range(4..=9),
                (_, false) => rng.random_range(3..=6),
            },
            Shape::Site(_) => rng.random_range(if full { 3..=8 } else { 2..=5 }),
            Shape::Supplier => 0,
        }
    }

    fn profile(&self, shape: Shape, rng: &mut ChaCha8Rng, choices: Choices) -> Profile {
        let size = rng.random_range(0.6f32..1.6);
        let assets = self.asset_count(shape, size, rng);
        Profile {
            shape,
            size,
            assets,
            posture: Posture::draw(rng),
            choices,
            hub: None,
            link: None,
        }
    }
}

fn gateway(rng: &mut ChaCha8Rng) -> Option<ProductKey> {
    weighted(
        rng,
        &[
            (ProductKey::FortiGate, 40),
            (ProductKey::NetScalerAdc, 35),
            (ProductKey::ConnectSecure, 25),
        ],
    )
}

fn urgent_platform(rng: &mut ChaCha8Rng) -> Option<ProductKey> {
    weighted(
        rng,
        &[
            (ProductKey::BeaconUrgentCare, 85),
            (ProductKey::CompassUrgentCare, 15),
        ],
    )
}

fn trust_choices(t: TrustType, icb_pathology: Option<ProductKey>, rng: &mut ChaCha8Rng) -> Choices {
    use ProductKey::*;
    let mut c = Choices {
        gateway: gateway(rng),
        ..Choices::default()
    };
    match t {
        TrustType::Acute => {
            c.record = weighted(rng, &[(MeridianEpr, 42), (KestrelRecord, 30), (LumenEpr, 28)]);
            c.pathology = icb_pathology;
            c.imaging = weighted(rng, &[(LucentPacs, 55), (PrismRisPacs, 45)]);
        }
        TrustType::MentalHealth => {
            c.record = weighted(
                rng,
                &[(HarbourRecord, 45), (BeaconMentalHealth, 45), (LumenEpr, 10)],
            );
        }
        TrustType::Community => {
            c.record = weighted(rng, &[(QuillPractice, 50), (HarbourRecord, 40), (LumenEpr, 10)]);
            c.urgent = urgent_platform(rng);
        }
        TrustType::Ambulance => {
            c.dispatch = Some(SentinelCad);
            c.urgent = urgent_platform(rng);
        }
    }
    c
}

/// Unique trust codes: R plus two letters or digits, shuffled by the seed.
fn trust_codes(rng: &mut ChaCha8Rng) -> Vec<String> {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut codes: Vec<String> = CHARS
        .iter()
        .flat_map(|a| {
            CHARS
                .iter()
                .map(move |b| format!("R{}{}", char::from(*a), char::from(*b)))
        })
        .collect();
    codes.shuffle(rng);
    codes
}

/// Practice code prefixes: a letter and two digits, like A81 or F84.
fn practice_prefixes() -> impl Iterator<Item = String> {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNP";
    (81..=99u32).flat_map(|d| LETTERS.iter().map(move |l| format!("{}{d}", char::from(*l))))
}

/// Care provider codes: V, a letter and three digits, spread out by a fixed stride.
fn provider_code(n: usize) -> String {
    const SPACE: usize = 26_000;
    if n >= SPACE {
        return format!("W{n:05}");
    }
    let m = (n * 7919) % SPACE;
    format!("V{}{:03}", char::from(b'A' + (m / 1000) as u8), m % 1000)
}

pub(crate) fn build(seed: u64, scale: Scale, today: Date) -> Result<Sector, ValidationError> {
    let spec = spec(scale);
    let mut b = Builder {
        seed,
        full_density: spec.full_density,
        orgs: Vec::new(),
        profiles: Vec::new(),
    };
    let mut plan_rng = Key::new(seed, "plan").rng();
    let clamp = |d: Date| if d <= today { d } else { today };

    // National body and regions.
    let mut rng = b.profile_rng("X26");
    let mut choices = Choices {
        gateway: Some(ProductKey::FortiGate),
        ..Choices::default()
    };
    let p = b.profile(Shape::National, &mut rng, choices);
    let national = b.push(
        "X26",
        "NHS England national cyber team".to_owned(),
        OrgKind::NationalBody,
        None,
        (Some("LS2 7UE".to_owned()), Some(clamp(date(2013, 4, 1)))),
        p,
    )?;
    let mut regions = Vec::new();
    for r in REGIONS.iter().take(spec.regions) {
        let mut rng = b.profile_rng(r.code);
        let p = b.profile(Shape::Region, &mut rng, choices);
        let i = b.push(
            r.code,
            r.name.to_owned(),
            OrgKind::Region,
            Some(national),
            (None, Some(clamp(date(2013, 4, 1)))),
            p,
        )?;
        regions.push(i);
    }

    // ICBs of the chosen regions.
    let mut icbs: Vec<(usize, &IcbInfo)> = Vec::new();
    for (ri, region_org) in regions.iter().enumerate() {
        let limit = spec.icbs_per_region.unwrap_or(usize::MAX);
        for info in ICBS.iter().filter(|i| i.region == ri).take(limit) {
            let mut rng = b.profile_rng(info.code);
            let city = icbs.is_empty();
            choices = Choices {
                gateway: gateway(&mut rng),
                pathology: if city {
                    Some(ProductKey::CapitalLab)
                } else {
                    weighted(
                        &mut rng,
                        &[
                            (ProductKey::CapitalLab, 15),
                            (ProductKey::VeritasLims, 50),
                            (ProductKey::ClearpathLims, 35),
                        ],
                    )
                },
                ..Choices::default()
            };
            let p = b.profile(Shape::Icb, &mut rng, choices);
            let pc = names::postcode(&mut rng, info);
            let name = format!("NHS {} Integrated Care Board", info.area);
            let i = b.push(
                info.code,
                name,
                OrgKind::Icb,
                Some(*region_org),
                (Some(pc), Some(clamp(date(2022, 7, 1)))),
                p,
            )?;
            icbs.push((i, info));
        }
    }

    // Suppliers (no parent).
    let mut supplier_index = Vec::new();
    for s in &SUPPLIERS {
        let p = Profile {
            shape: Shape::Supplier,
            size: 1.0,
            assets: 0,
            posture: Posture::Good,
            choices: Choices::default(),
            hub: None,
            link: None,
        };
        let i = b.push(
            s.code,
            s.name.to_owned(),
            OrgKind::Supplier,
            None,
            (s.postcode.map(str::to_owned), None),
            p,
        )?;
        supplier_index.push(i);
    }

    // Trusts: ambulance trusts under regions, the rest under ICBs (first acute, then mental health).
    let mut codes = trust_codes(&mut plan_rng).into_iter();
    for (ri, region_org) in regions.iter().enumerate() {
        let names_here = REGIONS[ri].ambulance_trusts;
        let count = spec
            .ambulance_per_region
            .unwrap_or(names_here.len())
            .min(names_here.len());
        for name in names_here.iter().take(count) {
            let code = codes
                .next()
                .ok_or_else(|| ValidationError::new("code", "trust codes exhausted"))?;
            let mut rng = b.profile_rng(&code);
            let c = trust_choices(TrustType::Ambulance, None, &mut rng);
            let p = b.profile(Shape::Trust(TrustType::Ambulance), &mut rng, c);
            let opened = days_before(today, rng.random_range(3000..9000));
            let pc = icbs
                .iter()
                .find(|(_, i)| i.region == ri)
                .map(|(_, i)| names::postcode(&mut rng, i));
            b.push(
                &code,
                (*name).to_owned(),
                OrgKind::NhsTrust,
                Some(*region_org),
                (pc, opened),
                p,
            )?;
        }
    }
    let weights: Vec<u32> = icbs.iter().map(|(_, i)| i.weight).collect();
    let extra = spec.trusts.saturating_sub(icbs.len());
    let trusts_per_icb: Vec<usize> = apportion(extra, &weights).into_iter().map(|n| n + 1).collect();
    let mut hubs = Vec::with_capacity(icbs.len());
    for (icb_number, ((icb_org, info), count)) in icbs.iter().zip(&trusts_per_icb).enumerate() {
        let city = icb_number == 0;
        let icb_pathology = b.profiles[*icb_org].choices.pathology;
        let mut hub = None;
        for k in 0..*count {
            let code = codes
                .next()
                .ok_or_else(|| ValidationError::new("code", "trust codes exhausted"))?;
            let mut rng = b.profile_rng(&code);
            // The city's first two trusts are both acute and share its pathology, as in 2024.
            let t = match (k, city) {
                (0, _) | (1, true) | (2, false) => TrustType::Acute,
                (1, false) | (2, true) => TrustType::MentalHealth,
                _ => weighted(
                    &mut rng,
                    &[
                        (TrustType::Acute, 60),
                        (TrustType::MentalHealth, 10),
                        (TrustType::Community, 30),
                    ],
                )
                .unwrap_or(TrustType::Acute),
            };
            let c = trust_choices(t, icb_pathology, &mut rng);
            let mut p = b.profile(Shape::Trust(t), &mut rng, c);
            p.hub = hub.map(|h: usize| h as u32);
            let name = names::trust_name(t, info, k, &mut rng);
            let opened = days_before(today, rng.random_range(3000..12_000));
            let pc = Some(names::postcode(&mut rng, info));
            let i = b.push(&code, name, OrgKind::NhsTrust, Some(*icb_org), (pc, opened), p)?;
            if k == 0 {
                hub = Some(i);
                if let Some(pr) = b.profiles.get_mut(i) {
                    pr.hub = Some(i as u32);
                }
            }
        }
        hubs.push(hub);
    }

    // GP practices.
    let extra = spec.practices.saturating_sub(icbs.len());
    let practices_per_icb: Vec<usize> = apportion(extra, &weights).into_iter().map(|n| n + 1).collect();
    let mut prefixes = practice_prefixes();
    let mut practices_of_icb: Vec<Vec<usize>> = Vec::with_capacity(icbs.len());
    for (((icb_org, info), count), hub) in icbs.iter().zip(&practices_per_icb).zip(&hubs) {
        let icb_pathology = b.profiles[*icb_org].choices.pathology;
        let lean = Key::new(seed, "gp-lean")
            .text(info.code)
            .rng()
            .random_range(0.35..0.75);
        let mut prefix = prefixes.next().unwrap_or_default();
        let mut number = 0u32;
        let mut here = Vec::with_capacity(*count);
        for _ in 0..*count {
            number += plan_rng.random_range(1..=3);
            if number > 999 {
                prefix = prefixes.next().unwrap_or_default();
                number = 1;
            }
            let code = format!("{prefix}{number:03}");
            let mut rng = b.profile_rng(&code);
            let record = if rng.random_bool(0.03) {
                Some(ProductKey::VantageGp)
            } else if rng.random_bool(lean) {
                Some(ProductKey::PinnacleGp)
            } else {
                Some(ProductKey::QuillPractice)
            };
            let c = Choices {
                record,
                pathology: icb_pathology,
                connectivity: rng.random_bool(0.7).then_some(ProductKey::NorthlineHscn),
                remote_support: rng.random_bool(0.6).then_some(ProductKey::BridgewayRemote),
                ..Choices::default()
            };
            let mut p = b.profile(Shape::Practice, &mut rng, c);
            p.hub = hub.map(|h| h as u32);
            let name = names::practice_name(info, &mut rng);
            let opened = days_before(today, rng.random_range(1000..18_000));
            let pc = Some(names::postcode(&mut rng, info));
            here.push(b.push(&code, name, OrgKind::GpPractice, Some(*icb_org), (pc, opened), p)?);
        }
        practices_of_icb.push(here);
    }

    // Care providers, then their sites.
    let providers_per_icb = apportion(spec.providers, &weights);
    let mut n = 0usize;
    let mut providers = Vec::new();
    for (((icb_org, info), count), practices) in icbs.iter().zip(&providers_per_icb).zip(&practices_of_icb) {
        for _ in 0..*count {
            let code = provider_code(n);
            n += 1;
            let mut rng = b.profile_rng(&code);
            let care = if rng.random_bool(0.65) {
                CareType::CareHome
            } else {
                CareType::HomeCare
            };
            let sites = if rng.random_bool(spec.multi_site_chance.clamp(0.0, 1.0)) {
                rng.random_range(spec.sites.0..=spec.sites.1)
            } else {
                0
            };
            use ProductKey::*;
            let c = Choices {
                record: weighted(
                    &mut rng,
                    &[
                        (HearthCareRecords, 35),
                        (WillowEmar, 25),
                        (TandemCarePlanner, 20),
                        (BeaconCareRecords, 12),
                    ],
                )
                .filter(|_| rng.random_bool(0.92)),
                remote_support: rng.random_bool(0.3).then_some(BridgewayRemote),
                ..Choices::default()
            };
            let mut p = b.profile(Shape::Provider { care, sites }, &mut rng, c);
            if !practices.is_empty() {
                p.link = practices
                    .get(rng.random_range(0..practices.len()))
                    .map(|i| *i as u32);
            }
            let name = names::provider_name(care, info, &mut rng);
            let opened = days_before(today, rng.random_range(200..9000));
            let pc = Some(names::postcode(&mut rng, info));
            let i = b.push(
                &code,
                name,
                OrgKind::CareProvider,
                Some(*icb_org),
                (pc, opened),
                p,
            )?;
            providers.push((i, info));
        }
    }
    for (provider, info) in providers {
        let (code, care, sites, record) = match (b.profiles[provider].shape, &b.orgs[provider]) {
            (Shape::Provider { care, sites }, org) => (
                org.code.as_str().to_owned(),
                care,
                sites,
                b.profiles[provider].choices.record,
            ),
            _ => continue,
        };
        for s in 0..sites {
            let site_code = format!("{code}{}", char::from(b'A' + s));
            let mut rng = b.profile_rng(&site_code);
            let c = Choices {
                record,
                ..Choices::default()
            };
            let mut p = b.profile(Shape::Site(care), &mut rng, c);
            p.link = Some(provider as u32);
            let name = names::site_name(care, info, &mut rng);
            let opened = days_before(today, rng.random_range(200..9000));
            let pc = Some(names::postcode(&mut rng, info));
            b.push(
                &site_code,
                name,
                OrgKind::CareSite,
                Some(provider),
                (pc, opened),
                p,
            )?;
        }
    }

    let products = PRODUCTS
        .iter()
        .map(|spec| {
            let supplier = &b.orgs[supplier_index[spec.supplier]];
            Product {
                id: ProductId::from_uuid(
                    Key::new(seed, "product")
                        .text(supplier.code.as_str())
                        .text(spec.name)
                        .uuid(),
                ),
                supplier: supplier.id,
                name: spec.name.to_owned(),
                category: spec.category,
                cpe: Some(spec.cpe_any()),
                // The national team lists the demo's products: confirmed as their suppliers'.
                status: ward_core::supplier::ProductStatus::Confirmed,
            }
        })
        .collect();

    let (city_icb, _) = icbs
        .first()
        .copied()
        .ok_or_else(|| ValidationError::new("scale", "no ICBs"))?;
    let anchors = Anchors {
        national,
        region: regions.first().copied().unwrap_or(national),
        trust: hubs.first().copied().flatten().unwrap_or(city_icb),
        icb: city_icb,
        pathology_supplier: supplier_index[crate::suppliers::PATHOLOGY_SUPPLIER],
        practice: practices_of_icb
            .first()
            .and_then(|p| p.first())
            .copied()
            .unwrap_or(city_icb),
    };
    Ok(Sector {
        orgs: b.orgs,
        profiles: b.profiles,
        products,
        anchors,
    })
}
