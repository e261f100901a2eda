//! The small care provider questionnaire: 25 plain-language questions a care-home manager can
//! answer in under half an hour, each standing for one CAF contributing outcome of the loaded
//! NCSC CAF framework ([`FRAMEWORK`] [`VERSION`]).
//!
//! How an answer maps to indicators: a question asks, in everyday words, whether the outcome is
//! met. Its answer answers every indicator of that outcome (by the framework's own identifiers,
//! the NCSC indices):
//!
//! * **Yes**: every achieved and partially-achieved indicator true, every not-achieved one false;
//! * **Partly**: every partially-achieved indicator true, the others false;
//! * **No**: every indicator false.
//!
//! The WebCAF rule applied to those indicator answers then gives Achieved, Partially achieved
//! (Not achieved where the outcome has no partially-achieved column) and Not achieved, the same
//! statuses an assessor answering indicator by indicator would reach from the same facts. "No"
//! does not claim the not-achieved statements: it only withholds the good-practice ones.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assurance::{Level, Outcome};

/// The framework the questionnaire is written against.
pub const FRAMEWORK: &str = "ncsc-caf";
/// Its version.
pub const VERSION: &str = "4.0";

/// An answer to one question.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum QuestionAnswer {
    Yes,
    Partly,
    No,
}

impl QuestionAnswer {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "Yes",
            Self::Partly => "Partly",
            Self::No => "No",
        }
    }

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether an indicator in `level`'s column holds under this answer.
    pub fn holds(self, level: Level) -> bool {
        matches!(
            (self, level),
            (Self::Yes, Level::Achieved | Level::PartiallyAchieved)
                | (Self::Partly, Level::PartiallyAchieved)
        )
    }
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Question {
    /// Stable identifier (`q01`).
    pub id: &'static str,
    /// The heading it is shown under.
    pub section: &'static str,
    /// The CAF contributing outcome it stands for.
    pub outcome: &'static str,
    /// The question.
    pub text: &'static str,
    /// What "yes" looks like, in a sentence or two.
    pub help: &'static str,
}

macro_rules! q {
    ($id:literal, $section:literal, $outcome:literal, $text:literal, $help:literal) => {
        Question {
            id: $id,
            section: $section,
            outcome: $outcome,
            text: $text,
            help: $help,
        }
    };
}

/// The questions, in the order they are asked.
pub const QUESTIONS: &[Question] = &[
    q!(
        "q01",
        "Who is in charge",
        "A1.a",
        "Does the owner or board talk about keeping your computers and records safe at least every few months, and is one senior person responsible for it?",
        "Yes means it is on the agenda of management meetings and everyone knows who has the final say."
    ),
    q!(
        "q02",
        "Who is in charge",
        "A1.b",
        "Is it written down who looks after your IT, your records and your data protection, and do those people know it is their job?",
        "For example, the registered manager for data protection and a named person or company for IT."
    ),
    q!(
        "q03",
        "Who is in charge",
        "A1.c",
        "When you decide something that affects your IT (a new system, a new supplier), do you think about the security risks and record who decided?",
        "A short note in the meeting minutes is enough."
    ),
    q!(
        "q04",
        "Who is in charge",
        "A2.a",
        "Do you keep a list of things that could go wrong with your IT, such as losing the internet or a virus, with what you do about each, and look at it at least once a year?",
        "A simple table in a document or spreadsheet counts."
    ),
    q!(
        "q05",
        "Who is in charge",
        "A2.c",
        "Do you check at least once a year that your security arrangements actually work, for example when you complete the Data Security and Protection Toolkit?",
        "Yes means someone checks, rather than assuming things are fine."
    ),
    q!(
        "q06",
        "Your computers, devices and suppliers",
        "A3.a",
        "Do you have an up-to-date list of every computer, laptop, tablet, phone and online system your service uses?",
        "Include the care planning and medication systems and who supplies them."
    ),
    q!(
        "q07",
        "Your computers, devices and suppliers",
        "A4.a",
        "Do you know which suppliers hold your residents' information or run your systems, and do your contracts say how they must keep it safe?",
        "For example your care planning software company and your IT support company."
    ),
    q!(
        "q08",
        "Your computers, devices and suppliers",
        "B4.b",
        "Are your computers set up safely: antivirus and firewall switched on, and software you do not use removed?",
        "Your IT supplier can usually confirm this for you."
    ),
    q!(
        "q09",
        "Your computers, devices and suppliers",
        "B4.d",
        "Are updates installed on computers, tablets and phones within two weeks of being offered, and are devices that no longer get updates replaced?",
        "Automatic updates switched on count as yes."
    ),
    q!(
        "q10",
        "Logins and passwords",
        "B2.a",
        "Does every member of staff sign in with their own account (no shared logins), with a second check such as a code on a phone for email and remote access?",
        "NHSmail and most care planning systems can ask for a code as well as the password."
    ),
    q!(
        "q11",
        "Logins and passwords",
        "B2.c",
        "Are accounts that can install software or change settings (administrator accounts) kept to the few people who need them, and not used for everyday work?",
        "Everyday work means email, browsing and care records."
    ),
    q!(
        "q12",
        "Logins and passwords",
        "B2.d",
        "When someone joins, moves role or leaves, do you change or remove their access on the day?",
        "Including access to shared mailboxes and online systems."
    ),
    q!(
        "q13",
        "Keeping records safe",
        "B1.a",
        "Do you have written policies on information security and data protection that staff can find easily?",
        "The templates from the Digital Care Hub are fine if you have made them your own."
    ),
    q!(
        "q14",
        "Keeping records safe",
        "B1.b",
        "Do staff follow those policies in practice, and do you check now and then that they do?",
        "For example spot checks that screens are locked and papers put away."
    ),
    q!(
        "q15",
        "Keeping records safe",
        "B3.b",
        "When you send residents' information to others (GPs, pharmacies, hospitals), do you use a secure route such as NHSmail?",
        "Not a personal email account or an ordinary message app."
    ),
    q!(
        "q16",
        "Keeping records safe",
        "B3.c",
        "Are laptops, tablets and phones that hold residents' information protected so it cannot be read if one is lost or stolen (a passcode and encryption)?",
        "Most modern devices encrypt when a passcode is set."
    ),
    q!(
        "q17",
        "Keeping records safe",
        "B3.d",
        "If a device carrying residents' information leaves the building, can you lock or wipe it from a distance?",
        "Your IT supplier or device management can do this."
    ),
    q!(
        "q18",
        "Keeping records safe",
        "B3.e",
        "When you get rid of old computers, phones or memory sticks, do you make sure the information on them is wiped or destroyed, and keep proof?",
        "A certificate from a disposal company counts."
    ),
    q!(
        "q19",
        "Keeping records safe",
        "B5.c",
        "Are your important records backed up, with one copy kept separate from your main systems, and have you tried restoring from it?",
        "Ask your care planning supplier how they back up your data too."
    ),
    q!(
        "q20",
        "Your staff",
        "B6.a",
        "Do staff feel able to report a suspicious email or a mistake straight away, without fear of blame?",
        "Yes means people do report, and are thanked for it."
    ),
    q!(
        "q21",
        "Your staff",
        "B6.b",
        "Has every member of staff completed data security training in the last 12 months, and the owner or board their own cyber training?",
        "Ward's training figures for your organisation show this if you import them."
    ),
    q!(
        "q22",
        "When something goes wrong",
        "B5.a",
        "If your computers or the internet stopped working, could you keep caring safely, for example with printed medication charts and contact lists?",
        "Yes means you have worked out what you would need on paper, and keep it up to date."
    ),
    q!(
        "q23",
        "When something goes wrong",
        "D1.a",
        "Do you have a written plan for what to do if you have a cyber attack or lose your systems, with the phone numbers you would need?",
        "Include who to tell: your IT supplier, the local authority, the CQC and the police."
    ),
    q!(
        "q24",
        "When something goes wrong",
        "D1.c",
        "Have you practised that plan in the last 12 months, even as a short discussion with your team?",
        "Ward's exercises record counts as evidence."
    ),
    q!(
        "q25",
        "When something goes wrong",
        "D2.a",
        "After something goes wrong, do you look at why it happened and write down what you will change?",
        "Including near misses, such as a phishing email nearly clicked."
    ),
];

/// The question with this identifier.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// The sections in the order they are asked, each with its questions.
pub fn sections() -> Vec<(&'static str, Vec<&'static Question>)> {
    let mut out: Vec<(&'static str, Vec<&'static Question>)> = Vec::new();
    for q in QUESTIONS {
        match out.last_mut() {
            Some((s, qs)) if *s == q.section => qs.push(q),
            _ => out.push((q.section, vec![q])),
        }
    }
    out
}

/// The indicator answers one question's answer gives, by the outcome's own identifiers (see the
/// module documentation).
pub fn indicator_answers(outcome: &Outcome, answer: QuestionAnswer) -> BTreeMap<String, bool> {
    outcome
        .indicators
        .iter()
        .map(|i| (i.id.clone(), answer.holds(i.level)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_questions_each_for_a_different_outcome() {
        assert_eq!(QUESTIONS.len(), 25);
        let mut outcomes: Vec<&str> = QUESTIONS.iter().map(|q| q.outcome).collect();
        outcomes.sort_unstable();
        outcomes.dedup();
        assert_eq!(outcomes.len(), QUESTIONS.len());
        let mut ids: Vec<&str> = QUESTIONS.iter().map(|q| q.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), QUESTIONS.len());
        let headings: Vec<&str> = sections().iter().map(|(s, _)| *s).collect();
        assert_eq!(
            headings,
            vec![
                "Who is in charge",
                "Your computers, devices and suppliers",
                "Logins and passwords",
                "Keeping records safe",
                "Your staff",
                "When something goes wrong",
            ],
            "each heading asked once, its questions together"
        );
    }

    #[test]
    fn answers_hold_for_their_columns() {
        assert!(QuestionAnswer::Yes.holds(Level::Achieved));
        assert!(QuestionAnswer::Yes.holds(Level::PartiallyAchieved));
        assert!(!QuestionAnswer::Yes.holds(Level::NotAchieved));
        assert!(QuestionAnswer::Partly.holds(Level::PartiallyAchieved));
        assert!(!QuestionAnswer::Partly.holds(Level::Achieved));
        for l in Level::ALL {
            assert!(!QuestionAnswer::No.holds(l));
        }
    }
}
