//! Timestamps as kubectl prints them: Go's `time.RFC1123Z` in UTC, and ages relative to the
//! virtual "now" (`translateTimestampSince` in describe.go).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::duration::human_duration;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Mon, 02 Jun 2025 10:15:02 +0000`.
pub fn rfc1123z(ts: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(ts);
    let weekday = WEEKDAYS[usize::from(dt.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[usize::from(dt.month().unsigned_abs()).saturating_sub(1)];
    format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} +0000",
        dt.day(),
        dt.year(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// RFC1123Z of an optional timestamp; a missing one is Go's zero `time.Time`.
pub fn rfc1123z_or_zero(ts: Option<Timestamp>) -> String {
    match ts {
        Some(ts) => rfc1123z(ts),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

/// Go's `time.Time.String()` of a timestamp read from the API (whole seconds, UTC):
/// `2025-06-02 10:15:02 +0000 UTC`, as describers print a `metav1.Time` with `%s`.
pub fn go_time_string(ts: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0000 UTC",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// HumanDuration of `now - ts`, or `<unknown>` for a missing timestamp.
pub fn since(now: Timestamp, ts: Option<Timestamp>) -> String {
    match ts {
        Some(ts) => human_duration(millis_between(ts, now)),
        None => "<unknown>".to_string(),
    }
}

/// Milliseconds from `from` to `to` (negative when `to` is earlier).
pub fn millis_between(from: Timestamp, to: Timestamp) -> i64 {
    let nanos = to.as_nanosecond() - from.as_nanosecond();
    i64::try_from(nanos / 1_000_000).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn formats_go_time_string() {
        assert_eq!(
            go_time_string(ts("2025-06-02T10:15:02Z")),
            "2025-06-02 10:15:02 +0000 UTC"
        );
    }

    #[test]
    fn formats_rfc1123z_in_utc() {
        assert_eq!(
            rfc1123z(ts("2025-06-02T10:15:02Z")),
            "Mon, 02 Jun 2025 10:15:02 +0000"
        );
        assert_eq!(
            rfc1123z(ts("2022-01-11T01:02:18.9Z")),
            "Tue, 11 Jan 2022 01:02:18 +0000"
        );
        assert_eq!(
            rfc1123z(ts("2025-06-01T23:59:59+02:00")),
            "Sun, 01 Jun 2025 21:59:59 +0000"
        );
        assert_eq!(rfc1123z_or_zero(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }

    #[test]
    fn ages_relative_to_now() {
        let now = ts("2025-06-02T10:15:22Z");
        assert_eq!(since(now, Some(ts("2025-06-02T10:15:02Z"))), "20s");
        assert_eq!(since(now, Some(ts("2025-06-02T10:15:30Z"))), "<invalid>");
        assert_eq!(since(now, None), "<unknown>");
    }
}
