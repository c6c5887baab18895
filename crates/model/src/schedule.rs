//! CronJob schedules as Kubernetes reads them (robfig/cron v3 `ParseStandard`): exactly five
//! fields, names for months and weekdays, `?`, steps and ranges, the `@yearly`…`@hourly`
//! descriptors, and the day-of-month/day-of-week rule. Parsing and "next run" come from the
//! croner crate; the checks here reject what croner accepts but robfig does not.

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use jiff::Timestamp;
use jiff::tz::TimeZone;

#[derive(Clone, Debug)]
pub struct Schedule {
    cron: Cron,
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
    /// Parses a schedule, or says why not in robfig's words.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let trimmed = text.trim();
        if trimmed.starts_with("TZ=") || trimmed.starts_with("CRON_TZ=") {
            return Err(
                "CRON_TZ or TZ used in schedule is not supported, use spec.timeZone instead".into(),
            );
        }
        let expanded = DESCRIPTORS
            .iter()
            .find(|(name, _)| *name == trimmed)
            .map_or(trimmed, |(_, fields)| fields);
        if expanded.starts_with('@') {
            return Err(format!("unrecognized descriptor: {expanded}"));
        }
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {trimmed}",
                fields.len()
            ));
        }
        for (index, field) in fields.iter().enumerate() {
            let allowed_letters = matches!(index, 3 | 4);
            if field.chars().any(|c| {
                !(c.is_ascii_digit()
                    || "*?,-/".contains(c)
                    || (allowed_letters && c.is_ascii_alphabetic()))
            }) {
                return Err(format!(
                    "failed to parse int from {field}: strconv.Atoi: parsing {field:?}: invalid syntax"
                ));
            }
            if index == 4
                && field
                    .split([',', '-', '/'])
                    .any(|part| part.parse::<u32>().is_ok_and(|n| n > 6))
            {
                return Err(format!("end of range (7) above maximum (6): {field}"));
            }
        }
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .dom_and_dow(false)
            .build();
        let cron = parser
            .parse(&fields.join(" "))
            .map_err(|error| error.to_string())?;
        Ok(Schedule { cron })
    }

    /// The first run strictly after `after`, in the time zone `zone`.
    pub fn next_after(&self, after: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
        let zoned = after.to_zoned(zone.clone());
        self.cron
            .find_next_occurrence(&zoned, false)
            .ok()
            .map(|next| next.timestamp())
    }
}

/// The zone of `spec.timeZone`. kubeplay carries no time-zone database, so only UTC names
/// are known (documented difference).
pub fn time_zone(name: Option<&str>) -> Option<TimeZone> {
    match name {
        None
        | Some("UTC" | "Etc/UTC" | "Etc/GMT" | "GMT" | "Etc/Universal" | "Universal" | "Zulu") => {
            Some(TimeZone::UTC)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(schedule: &str, after: &str) -> String {
        let parsed = Schedule::parse(schedule).unwrap_or_else(|e| panic!("{schedule}: {e}"));
        let after: Timestamp = after.parse().unwrap_or_default();
        parsed
            .next_after(after, &TimeZone::UTC)
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
        assert!(Schedule::parse("TZ=UTC 0 0 * * *").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }
}
