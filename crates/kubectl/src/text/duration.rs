//! `duration.HumanDuration` from apimachinery: the AGE column, describe Event ages and
//! `Terminating (lasts …)`. Integer truncation everywhere, never rounding.

const SECOND: i64 = 1000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// Formats a duration given in milliseconds (`<invalid>` for more than a second of skew).
pub fn human_duration(d_ms: i64) -> String {
    // Go: `int(d.Seconds())` truncates towards zero, so -1.9s counts as -1s and prints "0s".
    let seconds = d_ms / SECOND;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d_ms / MINUTE;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d_ms / HOUR;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * HOUR;

    #[test]
    fn every_boundary() {
        let cases = [
            (-2 * SECOND, "<invalid>"),
            (-1999, "0s"),
            (-SECOND, "0s"),
            (-1, "0s"),
            (0, "0s"),
            (999, "0s"),
            (SECOND, "1s"),
            (119 * SECOND + 999, "119s"),
            (2 * MINUTE, "2m"),
            (3 * MINUTE + 58 * SECOND, "3m58s"),
            (9 * MINUTE + 59 * SECOND, "9m59s"),
            (10 * MINUTE, "10m"),
            (10 * MINUTE + 59 * SECOND, "10m"),
            (179 * MINUTE + 59 * SECOND, "179m"),
            (3 * HOUR, "3h"),
            (3 * HOUR + 5 * MINUTE, "3h5m"),
            (7 * HOUR + 59 * MINUTE + 59 * SECOND, "7h59m"),
            (8 * HOUR, "8h"),
            (47 * HOUR + 59 * MINUTE, "47h"),
            (48 * HOUR, "2d"),
            (2 * DAY + 5 * HOUR, "2d5h"),
            (7 * DAY + 23 * HOUR + 59 * MINUTE, "7d23h"),
            (8 * DAY, "8d"),
            (729 * DAY + 23 * HOUR, "729d"),
            (730 * DAY, "2y"),
            (730 * DAY + 100 * DAY, "2y100d"),
            (8 * 365 * DAY - HOUR, "7y364d"),
            (8 * 365 * DAY, "8y"),
            (20 * 365 * DAY, "20y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms}ms");
        }
    }
}
