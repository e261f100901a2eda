//! Place names and naming patterns. Regions and integrated care boards follow the real NHS England
//! geography (codes and areas are public reference data); trusts, practices and care providers are
//! invented from place names and word lists so that no generated body claims to be a real one.

use crate::sector::{CareType, TrustType};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// An NHS England region with the names of its (invented) ambulance trusts.
pub(crate) struct RegionInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub ambulance_trusts: &'static [&'static str],
}

/// An integrated care board: code, area, region index, rough population weight, places, postcode areas.
pub(crate) struct IcbInfo {
    pub code: &'static str,
    pub area: &'static str,
    pub region: usize,
    /// Roughly the population in hundreds of thousands; used to share out trusts and practices.
    pub weight: u32,
    pub places: &'static [&'static str],
    pub postcode_areas: &'static [&'static str],
}

/// The seven NHS England regions. London comes first: the small demo is a London-like region.
pub(crate) const REGIONS: [RegionInfo; 7] = [
    RegionInfo {
        code: "Y56",
        name: "NHS England London region",
        ambulance_trusts: &["Thames Emergency Ambulance Service NHS Trust"],
    },
    RegionInfo {
        code: "Y58",
        name: "NHS England South West region",
        ambulance_trusts: &["Westcountry Ambulance Service NHS Foundation Trust"],
    },
    RegionInfo {
        code: "Y59",
        name: "NHS England South East region",
        ambulance_trusts: &[
            "Downs and Weald Ambulance Service NHS Trust",
            "Chilterns and Solent Ambulance Service NHS Foundation Trust",
        ],
    },
    RegionInfo {
        code: "Y60",
        name: "NHS England Midlands region",
        ambulance_trusts: &[
            "Mercia Ambulance Service NHS Trust",
            "Trent Valley Ambulance Service NHS Trust",
        ],
    },
    RegionInfo {
        code: "Y61",
        name: "NHS England East of England region",
        ambulance_trusts: &["Anglia Emergency Ambulance Service NHS Trust"],
    },
    RegionInfo {
        code: "Y62",
        name: "NHS England North West region",
        ambulance_trusts: &["Pennine and Mersey Ambulance Service NHS Trust"],
    },
    RegionInfo {
        code: "Y63",
        name: "NHS England North East and Yorkshire region",
        ambulance_trusts: &[
            "Tyne and Tees Ambulance Service NHS Foundation Trust",
            "Ridings Ambulance Service NHS Trust",
        ],
    },
];

macro_rules! icb {
    ($code:literal, $area:literal, $region:literal, $weight:literal, [$($p:literal),+], [$($pc:literal),+]) => {
        IcbInfo {
            code: $code,
            area: $area,
            region: $region,
            weight: $weight,
            places: &[$($p),+],
            postcode_areas: &[$($pc),+],
        }
    };
}

/// The 42 integrated care boards. Within London, South East London comes first: it is the demo's
/// "city" whose trusts and practices share one pathology supplier.
#[rustfmt::skip]
pub(crate) const ICBS: [IcbInfo; 42] = [
    // London (0)
    icb!("QKK", "South East London", 0, 19, ["Lewisham", "Greenwich", "Bromley", "Bexley", "Southwark", "Lambeth", "Camberwell", "Eltham"], ["SE", "BR", "DA"]),
    icb!("QMF", "North East London", 0, 20, ["Hackney", "Newham", "Tower Hamlets", "Redbridge", "Havering", "Barking", "Waltham Forest", "Ilford"], ["E", "IG", "RM"]),
    icb!("QMJ", "North Central London", 0, 15, ["Camden", "Islington", "Haringey", "Barnet", "Enfield", "Hampstead", "Tottenham", "Finchley"], ["N", "NW", "EN"]),
    icb!("QRV", "North West London", 0, 24, ["Ealing", "Brent", "Harrow", "Hillingdon", "Hounslow", "Hammersmith", "Kensington", "Paddington"], ["W", "HA", "UB", "TW"]),
    icb!("QWE", "South West London", 0, 15, ["Croydon", "Sutton", "Merton", "Kingston", "Richmond", "Wandsworth", "Tooting", "Wimbledon"], ["SW", "CR", "SM", "KT"]),
    // South West (1)
    icb!("QOX", "Bath and North East Somerset, Swindon and Wiltshire", 1, 10, ["Bath", "Swindon", "Salisbury", "Chippenham", "Trowbridge", "Devizes"], ["BA", "SN", "SP"]),
    icb!("QUY", "Bristol, North Somerset and South Gloucestershire", 1, 10, ["Bristol", "Weston-super-Mare", "Yate", "Clevedon", "Thornbury", "Southmead"], ["BS"]),
    icb!("QT6", "Cornwall and the Isles of Scilly", 1, 6, ["Truro", "Penzance", "Bodmin", "St Austell", "Falmouth", "Newquay"], ["TR", "PL"]),
    icb!("QJK", "Devon", 1, 12, ["Exeter", "Plymouth", "Torquay", "Barnstaple", "Newton Abbot", "Tiverton"], ["EX", "PL", "TQ"]),
    icb!("QVV", "Dorset", 1, 8, ["Bournemouth", "Poole", "Dorchester", "Weymouth", "Bridport", "Wimborne"], ["BH", "DT"]),
    icb!("QR1", "Gloucestershire", 1, 7, ["Gloucester", "Cheltenham", "Stroud", "Cirencester", "Tewkesbury", "Cinderford"], ["GL"]),
    icb!("QSL", "Somerset", 1, 6, ["Taunton", "Yeovil", "Bridgwater", "Frome", "Minehead", "Wells"], ["TA", "BA"]),
    // South East (2)
    icb!("QU9", "Buckinghamshire, Oxfordshire and Berkshire West", 2, 19, ["Oxford", "Reading", "Aylesbury", "High Wycombe", "Banbury", "Newbury"], ["OX", "RG", "HP"]),
    icb!("QNQ", "Frimley", 2, 8, ["Frimley", "Slough", "Farnborough", "Bracknell", "Camberley", "Maidenhead"], ["GU", "SL", "RG"]),
    icb!("QKS", "Kent and Medway", 2, 19, ["Maidstone", "Canterbury", "Ashford", "Dartford", "Margate", "Chatham"], ["ME", "CT", "TN", "DA"]),
    icb!("QRL", "Hampshire and Isle of Wight", 2, 19, ["Southampton", "Portsmouth", "Winchester", "Basingstoke", "Newport", "Andover"], ["SO", "PO", "RG"]),
    icb!("QXU", "Surrey Heartlands", 2, 11, ["Guildford", "Epsom", "Woking", "Redhill", "Chertsey", "Leatherhead"], ["GU", "KT", "RH"]),
    icb!("QNX", "Sussex", 2, 18, ["Brighton", "Eastbourne", "Hastings", "Worthing", "Crawley", "Chichester"], ["BN", "RH", "TN", "PO"]),
    // Midlands (3)
    icb!("QHL", "Birmingham and Solihull", 3, 13, ["Birmingham", "Solihull", "Edgbaston", "Erdington", "Selly Oak", "Sutton Coldfield"], ["B"]),
    icb!("QUA", "Black Country", 3, 13, ["Wolverhampton", "Dudley", "Walsall", "West Bromwich", "Sandwell", "Stourbridge"], ["WV", "DY", "WS", "B"]),
    icb!("QWU", "Coventry and Warwickshire", 3, 10, ["Coventry", "Warwick", "Rugby", "Nuneaton", "Stratford", "Leamington"], ["CV"]),
    icb!("QJ2", "Derby and Derbyshire", 3, 11, ["Derby", "Chesterfield", "Buxton", "Ilkeston", "Matlock", "Glossop"], ["DE", "S", "SK"]),
    icb!("QGH", "Herefordshire and Worcestershire", 3, 8, ["Worcester", "Hereford", "Kidderminster", "Redditch", "Bromsgrove", "Malvern"], ["WR", "HR", "DY", "B"]),
    icb!("QK1", "Leicester, Leicestershire and Rutland", 3, 11, ["Leicester", "Loughborough", "Hinckley", "Melton", "Oakham", "Coalville"], ["LE"]),
    icb!("QJM", "Lincolnshire", 3, 8, ["Lincoln", "Boston", "Grantham", "Skegness", "Spalding", "Louth"], ["LN", "PE", "NG"]),
    icb!("QPM", "Northamptonshire", 3, 8, ["Northampton", "Kettering", "Corby", "Wellingborough", "Daventry", "Brackley"], ["NN"]),
    icb!("QT1", "Nottingham and Nottinghamshire", 3, 11, ["Nottingham", "Mansfield", "Newark", "Worksop", "Beeston", "Arnold"], ["NG", "S"]),
    icb!("QOC", "Shropshire, Telford and Wrekin", 3, 5, ["Shrewsbury", "Telford", "Oswestry", "Ludlow", "Bridgnorth", "Wellington"], ["SY", "TF"]),
    icb!("QNC", "Staffordshire and Stoke-on-Trent", 3, 11, ["Stoke", "Stafford", "Burton", "Tamworth", "Leek", "Cannock"], ["ST", "WS", "DE"]),
    // East of England (4)
    icb!("QHG", "Bedfordshire, Luton and Milton Keynes", 4, 10, ["Bedford", "Luton", "Milton Keynes", "Dunstable", "Leighton Buzzard", "Biggleswade"], ["MK", "LU", "SG"]),
    icb!("QUE", "Cambridgeshire and Peterborough", 4, 9, ["Cambridge", "Peterborough", "Huntingdon", "Ely", "Wisbech", "St Neots"], ["CB", "PE"]),
    icb!("QM7", "Hertfordshire and West Essex", 4, 15, ["Watford", "Stevenage", "Harlow", "St Albans", "Hemel Hempstead", "Hertford"], ["WD", "SG", "AL", "HP", "CM"]),
    icb!("QH8", "Mid and South Essex", 4, 12, ["Chelmsford", "Southend", "Basildon", "Thurrock", "Brentwood", "Maldon"], ["CM", "SS", "RM"]),
    icb!("QMM", "Norfolk and Waveney", 4, 11, ["Norwich", "Great Yarmouth", "King's Lynn", "Lowestoft", "Thetford", "Cromer"], ["NR", "PE"]),
    icb!("QJG", "Suffolk and North East Essex", 4, 10, ["Ipswich", "Colchester", "Bury St Edmunds", "Clacton", "Sudbury", "Felixstowe"], ["IP", "CO"]),
    // North West (5)
    icb!("QE1", "Lancashire and South Cumbria", 5, 17, ["Preston", "Blackpool", "Blackburn", "Lancaster", "Burnley", "Barrow"], ["PR", "FY", "BB", "LA"]),
    icb!("QYG", "Cheshire and Merseyside", 5, 27, ["Liverpool", "Chester", "Warrington", "Wirral", "St Helens", "Crewe"], ["L", "CH", "WA", "CW"]),
    icb!("QOP", "Greater Manchester", 5, 30, ["Manchester", "Salford", "Stockport", "Bolton", "Wigan", "Oldham"], ["M", "SK", "BL", "WN", "OL"]),
    // North East and Yorkshire (6)
    icb!("QHM", "North East and North Cumbria", 6, 30, ["Newcastle", "Sunderland", "Durham", "Middlesbrough", "Carlisle", "Gateshead"], ["NE", "SR", "DH", "TS", "CA"]),
    icb!("QOQ", "Humber and North Yorkshire", 6, 17, ["Hull", "York", "Scarborough", "Harrogate", "Grimsby", "Scunthorpe"], ["HU", "YO", "HG", "DN"]),
    icb!("QF7", "South Yorkshire", 6, 14, ["Sheffield", "Doncaster", "Rotherham", "Barnsley", "Mexborough", "Penistone"], ["S", "DN"]),
    icb!("QWO", "West Yorkshire", 6, 24, ["Leeds", "Bradford", "Wakefield", "Huddersfield", "Halifax", "Dewsbury"], ["LS", "BD", "WF", "HD", "HX"]),
];

/// Invented words that make a trust name sound local without copying a real one.
pub(crate) const FLOURISHES: [&str; 10] = [
    "Riverside",
    "Vale",
    "Parkside",
    "Hillcrest",
    "Bridgeway",
    "Fieldgate",
    "Crossways",
    "Meadowbank",
    "Northgate",
    "Southfields",
];

/// Street names for practice names.
pub(crate) const STREETS: [&str; 24] = [
    "Church Road",
    "High Street",
    "Station Road",
    "Park Lane",
    "Mill Lane",
    "Queens Road",
    "Victoria Road",
    "Albion Street",
    "Elm Grove",
    "Grange Road",
    "Manor Way",
    "Springfield Road",
    "Castle Street",
    "Market Place",
    "London Road",
    "Green Lane",
    "Orchard Way",
    "Kings Avenue",
    "New Road",
    "Chapel Street",
    "Bridge Street",
    "The Broadway",
    "Abbey Road",
    "Windmill Hill",
];

/// Trees and plants for practice, care home and provider names.
pub(crate) const TREES: [&str; 20] = [
    "Oak", "Willow", "Beech", "Cedar", "Rowan", "Hawthorn", "Maple", "Birch", "Holly", "Laurel", "Elm",
    "Ash", "Chestnut", "Lime", "Juniper", "Hazel", "Alder", "Yew", "Magnolia", "Lavender",
];

/// Common British surnames.
pub(crate) const SURNAMES: [&str; 32] = [
    "Ahmed", "Patel", "Khan", "Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
    "Thomas", "Roberts", "Johnson", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards",
    "Green", "Hall", "Wood", "Harris", "Clarke", "Lewis", "Okoye", "Singh", "Begum", "Murphy", "Kaur",
];

/// Letters used after the digits of a postcode's inward part (Royal Mail excludes C, I, K, M, O, V).
pub(crate) const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// Plain-language names for the demo personas, one per role, in the order of `Role`'s variants.
pub(crate) const PERSONA_NAMES: [&str; 7] = [
    "Amara Okafor",
    "Tom Hughes",
    "Priya Raman",
    "Daniel Mensah",
    "Grace Whitfield",
    "Lukas Brandt",
    "Sian Evans",
];

/// Pick from a list by index, wrapping; empty lists give an empty string rather than panicking.
pub(crate) fn nth<'a>(list: &[&'a str], i: usize) -> &'a str {
    if list.is_empty() { "" } else { list[i % list.len()] }
}

pub(crate) fn postcode(rng: &mut ChaCha8Rng, icb: &IcbInfo) -> String {
    let area = nth(icb.postcode_areas, rng.random_range(0..8));
    // Districts 1-7 exist in every postcode area used here.
    let district = rng.random_range(1..=7u32);
    let letters = INWARD_LETTERS;
    let a = char::from(letters[rng.random_range(0..letters.len())]);
    let b = char::from(letters[rng.random_range(0..letters.len())]);
    format!("{area}{district} {}{a}{b}", rng.random_range(1..=9u32))
}
pub(crate) fn trust_name(t: TrustType, icb: &IcbInfo, k: usize, rng: &mut ChaCha8Rng) -> String {
    let p = nth(icb.places, k);
    let q = nth(icb.places, k + 3);
    let f = FLOURISHES[rng.random_range(0..FLOURISHES.len())];
    let v = rng.random_range(0..3u8);
    match (t, v) {
        (TrustType::Acute, 0) => format!("{p} {f} Hospitals NHS Trust"),
        (TrustType::Acute, 1) => format!("{p} and {q} Hospitals NHS Foundation Trust"),
        (TrustType::Acute, _) => format!("{f} University Hospitals of {p} NHS Foundation Trust"),
        (TrustType::MentalHealth, 0) => format!("{p} and {q} Minds Partnership NHS Foundation Trust"),
        (TrustType::MentalHealth, _) => format!("{p} {f} Mental Health NHS Trust"),
        (TrustType::Community, 0) => format!("{p} and {q} Community Services NHS Trust"),
        (TrustType::Community, _) => format!("{p} {f} Community Health NHS Trust"),
        (TrustType::Ambulance, _) => format!("{p} Ambulance Service NHS Trust"),
    }
}
pub(crate) fn practice_name(icb: &IcbInfo, rng: &mut ChaCha8Rng) -> String {
    let p = nth(icb.places, rng.random_range(0..16));
    let street = STREETS[rng.random_range(0..STREETS.len())];
    let tree = TREES[rng.random_range(0..TREES.len())];
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    match rng.random_range(0..8u8) {
        0 => format!("{street} Surgery"),
        1 => format!("{p} Medical Centre"),
        2 => format!("{p} Health Centre"),
        3 => format!("The {tree} Practice"),
        4 => format!("{street} Medical Practice"),
        5 => format!("Dr {surname} and Partners"),
        6 => format!("{tree} Tree Surgery"),
        _ => format!("{p} Family Practice"),
    }
}
pub(crate) fn provider_name(care: CareType, icb: &IcbInfo, rng: &mut ChaCha8Rng) -> String {
    let p = nth(icb.places, rng.random_range(0..16));
    let tree = TREES[rng.random_range(0..TREES.len())];
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    match (care, rng.random_range(0..4u8)) {
        (CareType::CareHome, 0) => format!("{surname} Care Homes Ltd"),
        (CareType::CareHome, 1) => format!("{tree} Court Care Ltd"),
        (CareType::CareHome, 2) => format!("{p} Residential Care Ltd"),
        (CareType::CareHome, _) => format!("{}wood Healthcare Ltd", tree),
        (CareType::HomeCare, 0) => format!("{p} Home Care Services Ltd"),
        (CareType::HomeCare, 1) => format!("{surname} Homecare Ltd"),
        (CareType::HomeCare, 2) => format!("{tree} Lane Domiciliary Care Ltd"),
        (CareType::HomeCare, _) => format!("Kind Hands Care of {p} Ltd"),
    }
}
pub(crate) fn site_name(care: CareType, icb: &IcbInfo, rng: &mut ChaCha8Rng) -> String {
    let p = nth(icb.places, rng.random_range(0..16));
    let tree = TREES[rng.random_range(0..TREES.len())];
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    match (care, rng.random_range(0..4u8)) {
        (CareType::CareHome, 0) => format!("{tree} House Care Home"),
        (CareType::CareHome, 1) => format!("{tree} Lodge Nursing Home"),
        (CareType::CareHome, 2) => format!("{p} Court Care Home"),
        (CareType::CareHome, _) => format!("{surname} House Residential Home"),
        (CareType::HomeCare, _) => format!("{p} branch office"),
    }
}
