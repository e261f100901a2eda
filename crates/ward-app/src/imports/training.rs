//! Training completion CSV: one row per person, role and course completed, as most learning
//! systems export it.
//!
//! ```text
//! person_ref,role,course,completed_on
//! E1043,staff,data-security-awareness,2026-03-14
//! E1043,board_member,board-cyber,20260102
//! E2210,staff,,
//! ```
//!
//! `person_ref` is the organisation's own reference for the person (a staff number; Ward needs no
//! names). `role` is `staff`, `board_member` or `cyber_lead` (spaces and hyphens allowed, any
//! case). `course` and `completed_on` go together: both empty records the person in the role
//! with nothing completed yet. Column names may come in any order; unknown or repeated columns
//! are refused. Every problem is reported with its line and column, and nothing is stored unless
//! the whole file is clean. The file is the organisation's whole record: importing replaces the
//! record it held.

use ward_core::training::{CourseCode, StaffRole, TrainingRow, person_ref};
use ward_feeds::Limits;

use super::{Problems, Ticker, parse_date};
use crate::error::{AppError, AppResult};

/// The columns of a training CSV.
pub const COLUMNS: [&str; 4] = ["person_ref", "role", "course", "completed_on"];

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// Read a training CSV with the default limits.
pub fn parse(file: &str, bytes: &[u8]) -> AppResult<Vec<TrainingRow>> {
    parse_with(file, bytes, &Limits::default())
}

/// Read a training CSV within `limits`: its size, and the deadline checked as rows are read.
pub fn parse_with(file: &str, bytes: &[u8], limits: &Limits) -> AppResult<Vec<TrainingRow>> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(AppError::TooLarge {
            path: file.to_owned(),
            message: format!("the file is larger than the limit of {} bytes", limits.max_bytes),
        });
    }
    let mut ticker = Ticker::new(file, limits);
    let mut problems = Problems::new(file);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(AppError::invalid(
                format!("{file}:1"),
                format!("unreadable CSV: {e}"),
            ));
        }
    };
    let mut at = [None::<usize>; 4];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == h) {
            Some(k) if at[k].is_some() => {
                problems.at_line(1, Some(i + 1), format!("column '{h}' appears twice"))
            }
            Some(k) => at[k] = Some(i),
            None => problems.at_line(
                1,
                Some(i + 1),
                format!("unknown column '{h}'; the columns are {}", COLUMNS.join(", ")),
            ),
        }
    }
    for (k, c) in COLUMNS.iter().enumerate() {
        if at[k].is_none() {
            problems.at_line(1, None, format!("missing column '{c}'"));
        }
    }
    if !problems.is_empty() {
        problems.into_result()?;
        return Ok(Vec::new());
    }
    let col = |k: usize| at[k].unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        ticker.tick()?;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.at_line(line, None, format!("unreadable CSV: {e}"));
                if e.position().is_none() {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            problems.at_line(line, None, format!("more than {MAX_ROWS} rows; split the file"));
            break;
        }
        let cell = |k: usize| rec.get(col(k)).unwrap_or("");
        let mut bad = false;
        let mut report = |k: usize, msg: String| {
            problems.at_line(line, Some(col(k) + 1), format!("{}: {msg}", COLUMNS[k]));
            bad = true;
        };
        let person = person_ref(cell(0)).map_err(|e| e.message);
        let role = StaffRole::parse_loose(cell(1)).ok_or_else(|| {
            format!(
                "'{}' is not a role (staff, board_member or cyber_lead)",
                cell(1).trim()
            )
        });
        let course_text = cell(2).trim();
        let course = if course_text.is_empty() {
            Ok(None)
        } else {
            CourseCode::parse(course_text).map(Some).map_err(|e| e.message)
        };
        let date = parse_date(cell(3));
        if let Err(m) = &person {
            report(0, m.clone());
        }
        if let Err(m) = &role {
            report(1, m.clone());
        }
        if let Err(m) = &course {
            report(2, m.clone());
        }
        if let Err(m) = &date {
            report(3, m.clone());
        }
        let completed = match (course, date) {
            (Ok(Some(c)), Ok(Some(d))) => Some((c, d)),
            (Ok(None), Ok(None)) => None,
            (Ok(Some(_)), Ok(None)) => {
                report(3, "a course needs the date it was completed".into());
                None
            }
            (Ok(None), Ok(Some(_))) => {
                report(2, "a completion date needs the course".into());
                None
            }
            _ => None,
        };
        if let (false, Ok(person), Ok(role)) = (bad, person, role) {
            rows.push(TrainingRow {
                person,
                role,
                completed,
            });
        }
    }
    problems.into_result()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(csv: &str) -> Vec<String> {
        match parse("t.csv", csv.as_bytes()) {
            Err(AppError::Invalid(p)) => p
                .into_iter()
                .map(|p| format!("{} {}", p.path, p.message))
                .collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_rows_in_any_column_order() {
        let rows = parse(
            "t.csv",
            b"role,person_ref,completed_on,course\nBoard member,E1,20260102,board-cyber\nstaff,E2,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].role, StaffRole::BoardMember);
        assert_eq!(rows[0].completed.as_ref().unwrap().1.to_string(), "2026-01-02");
        assert_eq!(rows[1].completed, None);
    }

    #[test]
    fn every_bad_cell_is_named_by_line_and_column() {
        let p = problems(
            "person_ref,role,course,completed_on\n\
             E1,staff,data-security-awareness,2026-01-01\n\
             E2,nurse,data-security-awareness,2026-01-01\n\
             ,staff,board-cyber,2026-13-01\n\
             E4,staff,board-cyber,\n",
        );
        assert_eq!(
            p,
            vec![
                "t.csv:3:2 role: 'nurse' is not a role (staff, board_member or cyber_lead)",
                "t.csv:4:1 person_ref: must not be empty",
                "t.csv:4:4 completed_on: '2026-13-01' is not a date (YYYYMMDD or YYYY-MM-DD)",
                "t.csv:5:4 completed_on: a course needs the date it was completed",
            ]
        );
    }

    #[test]
    fn the_header_is_checked_first() {
        let p = problems("person_ref,role,course,course,grade\n");
        assert!(
            p.contains(&"t.csv:1:4 column 'course' appears twice".to_owned()),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("t.csv:1:5 unknown column 'grade'")),
            "{p:?}"
        );
        assert!(
            p.contains(&"t.csv:1 missing column 'completed_on'".to_owned()),
            "{p:?}"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let limits = Limits::default().with_max_bytes(10);
        assert!(matches!(
            parse_with("t.csv", b"person_ref,role,course,completed_on\n", &limits),
            Err(AppError::TooLarge { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_input(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let mut input = b"person_ref,role,course,completed_on\n".to_vec();
            input.extend(bytes);
            let _ = parse("t.csv", &input);
        }

        #[test]
        fn every_clean_row_is_read(rows in proptest::collection::vec(("[A-Z][0-9]{1,5}", 0..3_usize, proptest::option::of(1..28_u8)), 1..40)) {
            let roles = ["staff", "board_member", "cyber_lead"];
            let mut csv = String::from("person_ref,role,course,completed_on\n");
            for (p, r, day) in &rows {
                match day {
                    Some(d) => csv.push_str(&format!("{p},{},board-cyber,2026-01-{d:02}\n", roles[*r])),
                    None => csv.push_str(&format!("{p},{},,\n", roles[*r])),
                }
            }
            let read = parse("t.csv", csv.as_bytes()).unwrap();
            proptest::prop_assert_eq!(read.len(), rows.len());
        }
    }
}
