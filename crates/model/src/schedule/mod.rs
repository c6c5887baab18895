//! CronJob schedules as Kubernetes reads them (robfig/cron v3 `ParseStandard`): exactly five
//! fields, names for months and weekdays, `?`, steps and ranges, the `@yearly`…`@hourly`
//! descriptors, the day-of-month/day-of-week rule, and a leading `TZ=`/`CRON_TZ=` zone (the
//! controller's way of applying `spec.timeZone`). Fields are parsed as robfig does
//! (`fields.rs`), so every error reads as the API server's; "next run" is robfig's own walk
//! (`next.rs`), because its daylight-saving behaviour is what CronJobs do.

mod fields;
mod next;
mod zone;

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub use zone::{LocationError, load_location};

#[derive(Clone, Debug)]
pub struct Schedule {
    fields: next::Fields,
    zone: TimeZone,
}

const DESCRIPTORS: [(&str, &str); 7] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

impl Schedule {
    /// Parses a schedule, or says why not in robfig's words. Without a `TZ=` prefix the
    /// schedule runs in kube-controller-manager's local zone, UTC.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        if text.is_empty() {
            return Err("empty spec string".into());
        }
        let (zone, text) = split_zone(text)?;
        let trimmed = text.trim();
        let expanded = DESCRIPTORS
            .iter()
            .find(|(name, _)| *name == trimmed)
            .map_or(trimmed, |(_, fields)| fields);
        if expanded.starts_with('@') {
            return Err(format!("unrecognized descriptor: {expanded}"));
        }
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            // Go's %s of a []string: the fields in brackets.
            return Err(format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                fields.join(" ")
            ));
        }
        // Parsed in robfig's order; the first mistake is the one reported.
        let minute = fields::field(fields[0], &fields::MINUTES)?;
        let hour = fields::field(fields[1], &fields::HOURS)?;
        let dom = fields::field(fields[2], &fields::DAYS_OF_MONTH)?;
        let month = fields::field(fields[3], &fields::MONTHS)?;
        let dow = fields::field(fields[4], &fields::DAYS_OF_WEEK)?;
        let without_star = |bits: u64| bits & !fields::STAR_BIT;
        Ok(Schedule {
            fields: next::Fields {
                minute: without_star(minute),
                hour: without_star(hour),
                dom: without_star(dom),
                month: without_star(month),
                dow: without_star(dow),
                dom_star: dom & fields::STAR_BIT != 0,
                dow_star: dow & fields::STAR_BIT != 0,
            },
            zone,
        })
    }

    /// The first run strictly after `after` (robfig's `Next`).
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        // The walk only moves forward, but callers loop on this: never hand back a time that
        // is not later, whatever a time zone's transitions do.
        next::next(&self.fields, &self.zone, after).filter(|next| *next > after)
    }

    /// The interval after which the schedule's runs repeat exactly, in absolute time, if it
    /// is an hour, a day or a week: a schedule that names days of the month or months, or
    /// reads a zone with transitions, repeats on no fixed interval.
    pub fn period_ms(&self) -> Option<u64> {
        const HOUR_MS: u64 = 3_600_000;
        const ALL_HOURS: u64 = (1 << 24) - 1;
        const ALL_MONTHS: u64 = ((1 << 13) - 1) & !1;
        let fields = &self.fields;
        // No transitions at all (UTC, `Etc/GMT+5`): every day is 24 hours long.
        let fixed_offset = self.zone.following(Timestamp::MIN).next().is_none();
        if !fixed_offset || !fields.dom_star || fields.month != ALL_MONTHS {
            return None;
        }
        Some(if !fields.dow_star {
            7 * 24 * HOUR_MS
        } else if fields.hour != ALL_HOURS {
            24 * HOUR_MS
        } else {
            HOUR_MS
        })
    }

    /// The zone the schedule is read in.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }
}

/// robfig's `Parse` prefix: `TZ=NAME rest` or `CRON_TZ=NAME rest` names the zone. Without a
/// space Go slices with index -1 and panics; Kubernetes recovers and reports the panic.
fn split_zone(text: &str) -> Result<(TimeZone, &str), String> {
    if !(text.starts_with("TZ=") || text.starts_with("CRON_TZ=")) {
        return Ok((TimeZone::UTC, text));
    }
    let Some(space) = text.find(' ') else {
        return Err(
            "invalid schedule format: runtime error: slice bounds out of range [:-1]".into(),
        );
    };
    let equals = text.find('=').unwrap_or_default();
    let name = &text[equals + 1..space];
    let zone =
        load_location(name).map_err(|error| format!("provided bad location {name}: {error}"))?;
    Ok((zone, text[space..].trim()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn periods_in_absolute_time() {
        let period = |text: &str| {
            super::Schedule::parse(text)
                .ok()
                .and_then(|s| s.period_ms())
        };
        assert_eq!(period("* * * * *"), Some(3_600_000));
        assert_eq!(period("*/7 * * * *"), Some(3_600_000));
        assert_eq!(period("0-59 0-23 * * ?"), Some(3_600_000));
        assert_eq!(period("30 9 * * *"), Some(86_400_000));
        assert_eq!(period("0 9 * * 1-5"), Some(7 * 86_400_000));
        assert_eq!(period("@weekly"), Some(7 * 86_400_000));
        assert_eq!(period("0 0 1 * *"), None);
        assert_eq!(period("0 0 * 2 *"), None);
        assert_eq!(period("TZ=Europe/Berlin * * * * *"), None);
        assert_eq!(period("TZ=Etc/GMT+5 0 9 * * *"), Some(86_400_000));
        assert_eq!(period("TZ=UTC */5 * * * *"), Some(3_600_000));
    }

    use super::*;

    fn next(schedule: &str, after: &str) -> String {
        let parsed = Schedule::parse(schedule).unwrap_or_else(|e| panic!("{schedule}: {e}"));
        let after: Timestamp = after.parse().unwrap_or_default();
        parsed
            .next_after(after)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn follows_robfig_rules() {
        assert_eq!(
            next("*/1 * * * *", "2025-06-02T10:15:30Z"),
            "2025-06-02T10:16:00Z"
        );
        assert_eq!(
            next("@hourly", "2025-06-02T10:15:00Z"),
            "2025-06-02T11:00:00Z"
        );
        assert_eq!(
            next("0 0 * * MON", "2025-06-02T10:15:00Z"),
            "2025-06-09T00:00:00Z"
        );
        assert_eq!(
            next("30 9 1-7 * ?", "2025-06-02T10:15:00Z"),
            "2025-06-03T09:30:00Z"
        );
        // Both day fields restricted: either matches (the 15th, or any Sunday).
        assert_eq!(
            next("0 0 15 * 0", "2025-06-02T10:15:00Z"),
            "2025-06-08T00:00:00Z"
        );
        // One of them a star: only the other counts (Mondays only, not every day).
        assert_eq!(
            next("0 0 * * 1", "2025-06-03T00:00:00Z"),
            "2025-06-09T00:00:00Z"
        );
        assert_eq!(
            next("0 12 * JAN,jun *", "2025-06-02T13:00:00Z"),
            "2025-06-03T12:00:00Z"
        );
    }

    #[test]
    fn rejects_what_robfig_rejects() {
        assert!(Schedule::parse("* * * *").is_err());
        assert!(Schedule::parse("0 0 * * * *").is_err());
        assert!(Schedule::parse("0 0 * * 7").is_err());
        assert!(Schedule::parse("0 0 L * *").is_err());
        assert!(Schedule::parse("@every 5m").is_err());
        assert!(Schedule::parse("TZ=Nowhere/Special 0 0 * * *").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }

    /// robfig/cron v3 `spec_test.go` `TestNextWithTz`, with the seconds field dropped: each case
    /// is (after, schedule, expected next).
    #[test]
    fn daylight_saving_as_robfig() {
        let cases = [
            // Spring forward in New York: 02:00-03:00 does not exist on 2012-03-11.
            (
                "2012-03-11T00:00:00-05:00",
                "TZ=America/New_York 30 2 11 Mar ?",
                "2013-03-11T02:30:00-04:00",
            ),
            (
                "2012-03-11T00:00:00-05:00",
                "TZ=America/New_York 0 * * * ?",
                "2012-03-11T01:00:00-05:00",
            ),
            (
                "2012-03-11T01:00:00-05:00",
                "TZ=America/New_York 0 * * * ?",
                "2012-03-11T03:00:00-04:00",
            ),
            (
                "2012-03-11T00:00:00-05:00",
                "TZ=America/New_York 0 1 * * ?",
                "2012-03-11T01:00:00-05:00",
            ),
            (
                "2012-03-11T01:00:00-05:00",
                "TZ=America/New_York 0 1 * * ?",
                "2012-03-12T01:00:00-04:00",
            ),
            // The 2am nightly job is skipped on that day.
            (
                "2012-03-11T00:00:00-05:00",
                "TZ=America/New_York 0 2 * * ?",
                "2012-03-12T02:00:00-04:00",
            ),
            // Fall back: 01:00-02:00 happens twice on 2012-11-04.
            (
                "2012-11-04T00:00:00-04:00",
                "TZ=America/New_York 30 2 04 Nov ?",
                "2012-11-04T02:30:00-05:00",
            ),
            (
                "2012-11-04T01:45:00-04:00",
                "TZ=America/New_York 30 1 04 Nov ?",
                "2012-11-04T01:30:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "TZ=America/New_York 0 * * * ?",
                "2012-11-04T01:00:00-04:00",
            ),
            (
                "2012-11-04T01:00:00-04:00",
                "TZ=America/New_York 0 * * * ?",
                "2012-11-04T01:00:00-05:00",
            ),
            (
                "2012-11-04T01:00:00-05:00",
                "TZ=America/New_York 0 * * * ?",
                "2012-11-04T02:00:00-05:00",
            ),
            // The 1am nightly job runs twice.
            (
                "2012-11-04T00:00:00-04:00",
                "TZ=America/New_York 0 1 * * ?",
                "2012-11-04T01:00:00-04:00",
            ),
            (
                "2012-11-04T01:00:00-04:00",
                "TZ=America/New_York 0 1 * * ?",
                "2012-11-04T01:00:00-05:00",
            ),
            (
                "2012-11-04T01:00:00-05:00",
                "TZ=America/New_York 0 1 * * ?",
                "2012-11-05T01:00:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "CRON_TZ=America/New_York 0 2 * * ?",
                "2012-11-04T02:00:00-05:00",
            ),
            (
                "2012-11-04T02:00:00-05:00",
                "TZ=America/New_York 0 2 * * ?",
                "2012-11-05T02:00:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "TZ=America/New_York 0 3 * * ?",
                "2012-11-04T03:00:00-05:00",
            ),
            // East of Greenwich the repeated hour also runs twice.
            (
                "2025-10-26T00:00:00+02:00",
                "TZ=Europe/Berlin 30 2 * * *",
                "2025-10-26T02:30:00+02:00",
            ),
            (
                "2025-10-26T02:30:00+02:00",
                "TZ=Europe/Berlin 30 2 * * *",
                "2025-10-26T02:30:00+01:00",
            ),
            (
                "2025-03-30T00:00:00+01:00",
                "TZ=Europe/Berlin 30 2 * * *",
                "2025-03-31T02:30:00+02:00",
            ),
            // Unsatisfiable: no time within five years.
            ("2012-07-09T23:35:00Z", "0 0 30 Feb ?", ""),
        ];
        for (after, schedule, expected) in cases {
            let expected: Option<Timestamp> = expected.parse().ok();
            let got = Schedule::parse(schedule)
                .ok()
                .and_then(|s| s.next_after(after.parse().unwrap_or_default()));
            assert_eq!(got, expected, "{schedule} after {after}");
        }
    }

    #[test]
    fn star_bits_as_robfig() {
        // robfig TestActivation: a star (step 1) in either day field means both must match.
        let has_star = |field: &str| {
            fields::field(field, &fields::DAYS_OF_MONTH).is_ok_and(|b| b & fields::STAR_BIT != 0)
        };
        assert!(has_star("*"));
        assert!(has_star("?"));
        assert!(has_star("*/1"));
        assert!(has_star("1,*"));
        assert!(!has_star("*/2"));
        assert!(!has_star("1-5"));
        // `0 0 */2 * 1`: odd days or Mondays (2025-06-02 is a Monday, 06-03 the 3rd).
        assert_eq!(
            next("0 0 */2 * 1", "2025-06-02T10:15:00Z"),
            "2025-06-03T00:00:00Z"
        );
        assert_eq!(
            next("0 0 */2 * 1", "2025-06-03T10:15:00Z"),
            "2025-06-05T00:00:00Z"
        );
    }

    #[test]
    fn zone_prefix_as_robfig() {
        assert_eq!(
            Schedule::parse("TZ=Mars/Olympus 0 0 * * *").err(),
            Some("provided bad location Mars/Olympus: unknown time zone Mars/Olympus".into())
        );
        assert_eq!(
            Schedule::parse("TZ=UTC").err(),
            Some("invalid schedule format: runtime error: slice bounds out of range [:-1]".into())
        );
        assert_eq!(
            Schedule::parse("* * * *").err(),
            Some("expected exactly 5 fields, found 4: [* * * *]".into())
        );
        assert_eq!(
            Schedule::parse("TZ=Asia/Tokyo @daily")
                .ok()
                .and_then(|s| s.next_after("2025-06-02T10:15:00Z".parse().unwrap_or_default()))
                .map(|t| t.to_string()),
            Some("2025-06-02T15:00:00Z".into())
        );
    }

    /// Around the transitions of zones with unusual rules (half-hour DST, midnight DST,
    /// quarter-hour offsets) every run is later than the one before and on a whole minute.
    #[test]
    fn runs_move_forward_through_transitions() {
        let windows = [
            ("Australia/Lord_Howe", "2025-04-05T12:00:00Z"),
            ("Asia/Kathmandu", "2025-06-01T00:00:00Z"),
            ("America/Santiago", "2025-04-05T00:00:00Z"),
            ("America/Havana", "2025-03-08T00:00:00Z"),
            ("Europe/Berlin", "2025-03-29T12:00:00Z"),
        ];
        for (zone, start) in windows {
            for fields in ["0 * * * *", "30 0,2 * * *", "*/20 0-3 * * *", "0 0 * * 0"] {
                let text = format!("TZ={zone} {fields}");
                let schedule = Schedule::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let mut at: Timestamp = start.parse().unwrap_or_default();
                for _ in 0..60 {
                    let Some(next) = schedule.next_after(at) else {
                        panic!("{text}: no run after {at}");
                    };
                    assert!(next > at, "{text}: {next} after {at}");
                    assert_eq!(next.as_second() % 60, 0, "{text}: {next}");
                    at = next;
                }
            }
        }
    }
}
