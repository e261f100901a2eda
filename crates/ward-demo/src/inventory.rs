//! One organisation's inventory: its services, its assets with installed software, and the
//! dependencies of its services. Everything is derived from the seed and the organisation's code, so
//! inventories can be generated in any order, in parallel or streamed.

use crate::catalogue::{self as cat, Posture, Slot};
use crate::key::Key;
use crate::sector::{CareType, Profile, Shape, TrustType};
use crate::services::{self, Need, Rule, Template};
use crate::stacks::{DEVICE_VENDORS, ServerRole, TRUST_SYSTEMS, devices_for, install_product};
use crate::suppliers::{self, ProductKey};
use crate::{DemoPlan, OrgInventory};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::Organisation;
use ward_core::risk::Consequence;
use ward_core::service::{Service, ServiceKind};
use ward_core::{AssetId, DependencyId, ServiceId};

/// The services of organisation `index`, each with the template it came from.
pub(crate) fn services(plan: &DemoPlan, index: usize) -> Vec<(&'static Template, Service)> {
    let (Some(org), Some(profile)) = (plan.orgs.get(index), plan.profiles.get(index)) else {
        return Vec::new();
    };
    services::templates(profile.shape)
        .iter()
        .map(|t| {
            let throughput = (t.base as f32 * profile.size).round() as u32;
            let service = Service {
                id: services::service_id(plan.seed, org.code.as_str(), t.slug),
                org: org.id,
                name: t.name.to_owned(),
                kind: t.kind,
                criticality: Consequence::new(t.criticality).unwrap_or(Consequence::MODERATE),
                daily_throughput: throughput,
                throughput_unit: t.unit,
            };
            (t, service)
        })
        .collect()
}

fn choice(profile: &Profile, need: Need) -> Option<ProductKey> {
    let c = &profile.choices;
    match need {
        Need::Record => c.record,
        Need::Pathology => c.pathology,
        Need::Imaging => c.imaging,
        Need::Urgent => c.urgent,
        Need::Dispatch => c.dispatch,
        Need::Connectivity => c.connectivity,
        Need::RemoteSupport => c.remote_support,
    }
}

struct Generator<'a> {
    seed: u64,
    org: &'a Organisation,
    code: String,
    profile: &'a Profile,
    rng: ChaCha8Rng,
    services: &'a [(&'static Template, Service)],
    assets: Vec<Asset>,
    /// Assets a service runs on, by service slug.
    key_assets: Vec<(&'static str, AssetId)>,
    /// Products a service uses beyond its rules (e.g. finance on MOVEit).
    extra_products: Vec<(&'static str, ProductKey)>,
}

impl Generator<'_> {
    fn posture(&self) -> Posture {
        self.profile.posture
    }

    fn add(
        &mut self,
        name: String,
        kind: AssetKind,
        internet_name: Option<&str>,
        services: Vec<ServiceId>,
        software: Vec<InstalledSoftware>,
    ) -> AssetId {
        let n = self.assets.len();
        let id = AssetId::from_uuid(Key::new(self.seed, "asset").text(&self.code).num(n as u64).uuid());
        let prefix = match kind {
            AssetKind::System => None,
            AssetKind::Server => Some("srv"),
            AssetKind::EndUserDevice => Some("eud"),
            AssetKind::NetworkDevice => Some("net"),
            AssetKind::MedicalDevice => Some("med"),
        };
        let hostname = match (internet_name, prefix) {
            (Some(sub), _) => Some(format!("{sub}.{}.demo.ward.example", self.code)),
            (None, Some(p)) => Some(format!("{}-{p}{n:05}", self.code)),
            (None, None) => None,
        };
        self.assets.push(Asset {
            id,
            org: self.org.id,
            name,
            kind,
            hostname,
            internet_facing: internet_name.is_some(),
            services,
            software,
        });
        id
    }

    fn all_services(&self) -> Vec<ServiceId> {
        self.services.iter().map(|(_, s)| s.id).collect()
    }

    fn slug_ids(&self, slugs: &[&str]) -> Vec<ServiceId> {
        self.services
            .iter()
            .filter(|(t, _)| slugs.contains(&t.slug))
            .map(|(_, s)| s.id)
            .collect()
    }

    /// A random service, three times likelier clinical than business.
    fn random_service(&mut self) -> Option<(&'static Template, ServiceId)> {
        let total: u32 = self
            .services
            .iter()
            .map(|(t, _)| if t.kind == ServiceKind::Clinical { 3 } else { 1 })
            .sum();
        if total == 0 {
            return None;
        }
        let mut roll = self.rng.random_range(0..total);
        for (t, s) in self.services {
            let w = if t.kind == ServiceKind::Clinical { 3 } else { 1 };
            if roll < w {
                return Some((*t, s.id));
            }
            roll -= w;
        }
        None
    }

    fn stack(&mut self, slots: &[&Slot]) -> Vec<InstalledSoftware> {
        let posture = self.posture();
        slots.iter().map(|s| s.install(&mut self.rng, posture)).collect()
    }

    fn server(&mut self, role: ServerRole, number: usize, services: Vec<ServiceId>, internet: Option<&str>) {
        let software = self.stack(role.stack());
        self.add(
            format!("{} {number:03}", role.label()),
            AssetKind::Server,
            internet,
            services,
            software,
        );
    }

    /// An application system (Java back end, often with a Node front end) carrying `product` if any.
    fn application(
        &mut self,
        name: String,
        product: Option<ProductKey>,
        services: Vec<ServiceId>,
        internet: Option<&str>,
    ) -> AssetId {
        let posture = self.posture();
        let mut software: Vec<InstalledSoftware> = product
            .and_then(|k| install_product(k, &mut self.rng, posture))
            .into_iter()
            .collect();
        let python = self.rng.random_bool(0.25);
        if python {
            software.extend(self.stack(&[&cat::OPENSSL, &cat::POSTGRES]));
            software.extend(self.stack(&cat::PYTHON_LIBS));
        } else {
            software.extend(self.stack(&[&cat::JAVA_RUNTIME, &cat::OPENSSL]));
            software.extend(self.stack(&cat::JAVA_LIBS));
        }
        if internet.is_some() || self.rng.random_bool(0.5) {
            software.extend(self.stack(&[&cat::NODE]));
            software.extend(self.stack(&cat::NODE_LIBS));
        }
        self.add(name, AssetKind::System, internet, services, software)
    }

    fn gateway(&mut self) {
        let Some(key) = self.profile.choices.gateway else {
            return;
        };
        let (slot, name) = match key {
            ProductKey::NetScalerAdc => (&cat::NETSCALER, "Remote access gateway (NetScaler)"),
            ProductKey::ConnectSecure => (&cat::CONNECT_SECURE, "Staff VPN appliance (Connect Secure)"),
            _ => (&cat::FORTIOS, "Perimeter firewall and VPN (FortiGate)"),
        };
        let software = self.stack(&[slot]);
        let all = self.all_services();
        self.add(
            name.to_owned(),
            AssetKind::NetworkDevice,
            Some("remote"),
            all,
            software,
        );
    }

    /// Local installations of the products a trust runs its clinical services on.
    fn product_systems(&mut self) {
        for need in [
            Need::Record,
            Need::Pathology,
            Need::Imaging,
            Need::Urgent,
            Need::Dispatch,
        ] {
            let Some(key) = choice(self.profile, need) else {
                continue;
            };
            let slugs: Vec<&'static str> = self
                .services
                .iter()
                .filter(|(t, _)| {
                    services::rules(t.slug)
                        .iter()
                        .any(|r| matches!(r, Rule::Product(n, _) if *n == need))
                })
                .map(|(t, _)| t.slug)
                .collect();
            if slugs.is_empty() {
                continue;
            }
            let ids = self.slug_ids(&slugs);
            let name = suppliers::spec(key).name;
            let system = self.application(format!("{name} application"), Some(key), ids.clone(), None);
            let app_n = self.assets.len();
            self.server(ServerRole::Application, app_n, ids.clone(), None);
            let db_n = self.assets.len();
            self.server(ServerRole::Database, db_n, ids, None);
            for slug in slugs {
                self.key_assets.push((slug, system));
            }
        }
    }

    fn trust_estate(&mut self) {
        self.product_systems();
        self.gateway();
        let all = self.all_services();
        let booking = self.slug_ids(&["outpatients", "cmht", "clinics", "transport"]);
        self.application(
            "Public website and patient portal".to_owned(),
            None,
            booking,
            Some("www"),
        );
        if self.rng.random_bool(0.3) {
            let software = self.stack(&[
                &cat::WINDOWS_SERVER_OS,
                &cat::MOVEIT,
                &cat::DOTNET,
                &cat::IIS,
                &cat::DEFENDER,
            ]);
            let finance = self.slug_ids(&["finance"]);
            let id = self.add(
                "Secure file transfer (MOVEit)".to_owned(),
                AssetKind::Server,
                Some("files"),
                finance,
                software,
            );
            self.key_assets.push(("finance", id));
            self.extra_products.push(("finance", ProductKey::MoveitTransfer));
        }
        if self.rng.random_bool(0.35) {
            let software = self.stack(&[
                &cat::WINDOWS_SERVER_OS,
                &cat::EXCHANGE,
                &cat::DOTNET,
                &cat::IIS,
                &cat::DEFENDER,
                &cat::VCREDIST,
            ]);
            self.add(
                "On-premises mail server (Exchange)".to_owned(),
                AssetKind::Server,
                Some("mail"),
                all.clone(),
                software,
            );
        }
        for i in 1..=2 {
            let software = self.stack(&[&cat::IOS_XE]);
            self.add(
                format!("Core switch {i}"),
                AssetKind::NetworkDevice,
                None,
                all.clone(),
                software,
            );
        }
        let hosts = ((self.profile.assets / 400) as usize).clamp(2, 12);
        for i in 1..=hosts {
            let software = self.stack(&[&cat::HYPERVISOR, &cat::OPENSSL, &cat::OPENSSH]);
            let take = self.rng.random_range(1..=all.len().max(1));
            let mut supported = all.clone();
            supported.shuffle(&mut self.rng);
            supported.truncate(take);
            self.add(
                format!("Virtualisation host {i:02}"),
                AssetKind::Server,
                None,
                supported,
                software,
            );
        }
    }

    fn office_estate(&mut self) {
        self.gateway();
        let all = self.all_services();
        let software = self.stack(&[&cat::IOS_XE]);
        self.add(
            "Core switch 1".to_owned(),
            AssetKind::NetworkDevice,
            None,
            all,
            software,
        );
        if matches!(self.profile.shape, Shape::Icb) {
            let ids = self.slug_ids(&["shared_record"]);
            let id = self.application("Shared care record platform".to_owned(), None, ids, Some("shcr"));
            self.key_assets.push(("shared_record", id));
        }
    }

    fn practice_estate(&mut self) {
        let slot = if self.rng.random_bool(0.5) {
            &cat::IOS_XE
        } else {
            &cat::SMALL_ROUTER
        };
        let software = self.stack(&[slot]);
        let all = self.all_services();
        self.add(
            "HSCN router".to_owned(),
            AssetKind::NetworkDevice,
            None,
            all.clone(),
            software,
        );
        if self.rng.random_bool(0.35) {
            let software = self.stack(ServerRole::File.stack());
            self.add(
                "Practice server".to_owned(),
                AssetKind::Server,
                None,
                all,
                software,
            );
        }
    }

    fn care_estate(&mut self) {
        let software = self.stack(&[&cat::SMALL_ROUTER]);
        let all = self.all_services();
        let exposed = self.rng.random_bool(0.4).then_some("router");
        self.add(
            "Broadband router".to_owned(),
            AssetKind::NetworkDevice,
            exposed,
            all,
            software,
        );
    }

    fn end_user_device(&mut self, n: usize) {
        let posture = self.posture();
        let picked = self.random_service();
        let services: Vec<ServiceId> = picked.map(|(_, id)| id).into_iter().collect();
        let record = self.profile.choices.record;
        let (name, mut software, extras) = match self.profile.shape {
            Shape::Practice => {
                let name = match n % 3 {
                    0 => format!("Consulting room PC {n:03}"),
                    1 => format!("Reception PC {n:03}"),
                    _ => format!("Practice laptop {n:03}"),
                };
                let mut sw = self.stack(&[&cat::ENDPOINT_OS]);
                sw.extend(record.and_then(|k| install_product(k, &mut self.rng, posture)));
                (name, sw, self.rng.random_range(0..=2usize))
            }
            Shape::Provider { .. } | Shape::Site(_) if self.rng.random_bool(0.6) => {
                let mut sw = self.stack(&[&cat::ANDROID]);
                match record.and_then(|k| install_product(k, &mut self.rng, posture)) {
                    Some(app) => sw.push(app),
                    // Providers still on paper use the tablet for the browser and email.
                    None => sw.push(cat::BROWSER.install(&mut self.rng, posture)),
                }
                (format!("Care tablet {n:03}"), sw, 0)
            }
            Shape::Provider { .. } | Shape::Site(_) => {
                let mut sw = self.stack(&[&cat::ENDPOINT_OS]);
                sw.extend(record.and_then(|k| install_product(k, &mut self.rng, posture)));
                let extras = if sw.len() < 2 {
                    self.rng.random_range(1..=3usize)
                } else {
                    self.rng.random_range(0..=2)
                };
                (format!("Office PC {n:03}"), sw, extras)
            }
            _ => {
                let area = picked.map(|(t, _)| t.name).unwrap_or("Office");
                let form = if n.is_multiple_of(4) {
                    "laptop"
                } else {
                    "workstation"
                };
                (
                    format!("{area} {form} {n:04}"),
                    self.stack(&[&cat::ENDPOINT_OS]),
                    self.rng.random_range(1..=3usize),
                )
            }
        };
        let mut pool: Vec<&Slot> = cat::DESKTOP_EXTRAS.to_vec();
        pool.shuffle(&mut self.rng);
        for slot in pool.into_iter().take(extras) {
            software.push(slot.install(&mut self.rng, posture));
        }
        self.add(name, AssetKind::EndUserDevice, None, services, software);
    }

    fn medical_device(&mut self, n: usize) {
        let clinical: Vec<(&'static Template, ServiceId)> = self
            .services
            .iter()
            .filter(|(t, _)| t.kind == ServiceKind::Clinical)
            .map(|(t, s)| (*t, s.id))
            .collect();
        if clinical.is_empty() {
            self.end_user_device(n);
            return;
        }
        let (template, service) = clinical[self.rng.random_range(0..clinical.len())];
        let devices = devices_for(template.slug);
        let device = devices[self.rng.random_range(0..devices.len())];
        let posture = self.posture();
        let mut software = Vec::new();
        if self.rng.random_bool(0.7) {
            software.push(cat::MEDICAL_OS.install(&mut self.rng, posture));
        }
        let vendor = DEVICE_VENDORS[self.rng.random_range(0..DEVICE_VENDORS.len())];
        let version = format!(
            "{}.{}.{}",
            self.rng.random_range(1..=6),
            self.rng.random_range(0..=9),
            self.rng.random_range(0..=20)
        );
        software.push(InstalledSoftware {
            name: format!("{device} firmware"),
            vendor: Some(vendor.to_owned()),
            version,
            purl: None,
            cpe: None,
            source: SoftwareSource::Demo,
        });
        if self.rng.random_bool(0.2) {
            software.push(cat::JAVA_RUNTIME.install(&mut self.rng, posture));
        }
        self.add(
            format!("{device} {n:04}"),
            AssetKind::MedicalDevice,
            None,
            vec![service],
            software,
        );
    }

    fn network_device(&mut self, n: usize) {
        let services: Vec<ServiceId> = self.random_service().map(|(_, id)| id).into_iter().collect();
        let (name, slot) = match n % 5 {
            0 => (format!("Firewall {n:04}"), &cat::FORTIOS),
            1 | 2 => (format!("Access switch {n:04}"), &cat::IOS_XE),
            _ => (format!("Wireless access point {n:04}"), &cat::IOS_XE),
        };
        let software = self.stack(&[slot]);
        self.add(name, AssetKind::NetworkDevice, None, services, software);
    }

    fn extra_server(&mut self, n: usize) {
        let role = ServerRole::ALL[self.rng.random_range(0..ServerRole::ALL.len())];
        let mut services: Vec<ServiceId> = self.random_service().map(|(_, id)| id).into_iter().collect();
        if self.rng.random_bool(0.3) {
            services.extend(
                self.random_service()
                    .map(|(_, id)| id)
                    .filter(|id| !services.contains(id)),
            );
        }
        self.server(role, n, services, None);
    }

    fn extra_system(&mut self, n: usize) {
        let picked = self.random_service();
        let name = match self.profile.shape {
            Shape::Trust(_) => format!(
                "{} {n:04}",
                TRUST_SYSTEMS[self.rng.random_range(0..TRUST_SYSTEMS.len())]
            ),
            _ => format!("Business application {n:04}"),
        };
        let services = picked.map(|(_, id)| id).into_iter().collect();
        self.application(name, None, services, None);
    }

    /// Fill the estate up to its planned size with a mix typical of the organisation's shape.
    fn fill(&mut self) {
        // Weights: end-user, medical, server, network, system.
        let mix: [u32; 5] = match self.profile.shape {
            Shape::Trust(TrustType::Acute) => [70, 12, 9, 6, 3],
            Shape::Trust(TrustType::Ambulance) => [72, 10, 9, 7, 2],
            Shape::Trust(_) => [80, 3, 9, 6, 2],
            Shape::Practice => [86, 6, 2, 6, 0],
            Shape::Provider {
                care: CareType::CareHome,
                ..
            }
            | Shape::Site(CareType::CareHome) => [92, 4, 0, 4, 0],
            Shape::Provider { .. } | Shape::Site(_) => [95, 0, 0, 5, 0],
            _ => [85, 0, 9, 5, 1],
        };
        let total: u32 = mix.iter().sum();
        let target = self.profile.assets as usize;
        while self.assets.len() < target {
            let n = self.assets.len();
            let mut roll = self.rng.random_range(0..total.max(1));
            let mut kind = 0;
            for (i, w) in mix.iter().enumerate() {
                if roll < *w {
                    kind = i;
                    break;
                }
                roll -= w;
            }
            match kind {
                1 => self.medical_device(n),
                2 => self.extra_server(n),
                3 => self.network_device(n),
                4 => self.extra_system(n),
                _ => self.end_user_device(n),
            }
        }
    }
}

fn dependencies(plan: &DemoPlan, index: usize, estate: &Generator<'_>) -> Vec<Dependency> {
    let mut out = Vec::new();
    let org = estate.org;
    let profile = estate.profile;
    let mut push = |service: ServiceId, target: DependencyTarget, note: &str| {
        let id = DependencyId::from_uuid(
            Key::new(plan.seed, "dependency")
                .text(&estate.code)
                .num(out.len() as u64)
                .uuid(),
        );
        out.push(Dependency {
            id,
            org: org.id,
            service,
            target,
            note: Some(note.to_owned()),
        });
    };
    let product_id = |key: ProductKey| plan.products.get(key as usize).map(|p| p.id);
    let linked = |link: Option<u32>, slug: &str| {
        let i = link? as usize;
        let (o, p) = (plan.orgs.get(i)?, plan.profiles.get(i)?);
        services::templates(p.shape)
            .iter()
            .any(|t| t.slug == slug)
            .then(|| services::service_id(plan.seed, o.code.as_str(), slug))
    };
    for (template, service) in estate.services {
        for rule in services::rules(template.slug) {
            let target = match rule {
                Rule::Product(need, note) => choice(profile, *need)
                    .and_then(product_id)
                    .map(|p| (DependencyTarget::Product(p), *note)),
                Rule::Own(slug, note) => estate
                    .services
                    .iter()
                    .find(|(t, _)| t.slug == *slug)
                    .map(|(_, s)| (DependencyTarget::Service(s.id), *note)),
                Rule::HubPathology(note) => profile
                    .hub
                    .filter(|h| *h as usize != index)
                    .and_then(|h| linked(Some(h), "pathology"))
                    .map(|s| (DependencyTarget::Service(s), *note)),
                Rule::Linked(slug, note) => {
                    linked(profile.link, slug).map(|s| (DependencyTarget::Service(s), *note))
                }
            };
            if let Some((target, note)) = target {
                push(service.id, target, note);
            }
        }
        for (slug, key) in &estate.extra_products {
            if *slug == template.slug
                && let Some(p) = product_id(*key)
            {
                push(
                    service.id,
                    DependencyTarget::Product(p),
                    "Payroll and supplier files sent by secure email instead",
                );
            }
        }
        for (slug, asset) in &estate.key_assets {
            if *slug == template.slug {
                push(
                    service.id,
                    DependencyTarget::Asset(*asset),
                    "Runs on this system; no local fallback beyond paper",
                );
            }
        }
    }
    out
}

/// Build the inventory of organisation `index` (empty when the index is out of range).
pub(crate) fn build(plan: &DemoPlan, index: usize) -> OrgInventory {
    let (Some(org), Some(profile)) = (plan.orgs.get(index), plan.profiles.get(index)) else {
        return OrgInventory::default();
    };
    let service_list = services(plan, index);
    let code = org.code.as_str().to_ascii_lowercase();
    let rng = Key::new(plan.seed, "inventory").text(org.code.as_str()).rng();
    let mut estate = Generator {
        seed: plan.seed,
        org,
        code,
        profile,
        rng,
        services: &service_list,
        assets: Vec::with_capacity(profile.assets as usize),
        key_assets: Vec::new(),
        extra_products: Vec::new(),
    };
    match profile.shape {
        Shape::Trust(_) => estate.trust_estate(),
        Shape::National | Shape::Region | Shape::Icb => estate.office_estate(),
        Shape::Practice => estate.practice_estate(),
        Shape::Provider { .. } | Shape::Site(_) => estate.care_estate(),
        Shape::Supplier => {}
    }
    estate.fill();
    let dependencies = dependencies(plan, index, &estate);
    let assets = estate.assets;
    OrgInventory {
        services: service_list.into_iter().map(|(_, s)| s).collect(),
        assets,
        dependencies,
    }
}
