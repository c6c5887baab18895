//! Go's `time.Duration` as flags take it (`--timeout=90s`, `2m`, `1h30m`) and as `%v`
//! prints it (`1m30s`, `2m0s`).

/// Parses a `--FLAG` duration into milliseconds, with pflag's error text.
pub fn parse(flag: &str, text: &str) -> Result<u64, String> {
    let invalid = || {
        format!(
            "error: invalid argument {text:?} for \"--{flag}\" flag: time: invalid duration {text:?}"
        )
    };
    if text == "0" {
        return Ok(0);
    }
    let mut rest = text;
    let mut total = 0.0_f64;
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| {
                format!(
                    "error: invalid argument {text:?} for \"--{flag}\" flag: time: missing unit in duration {text:?}"
                )
            })?;
        let value: f64 = rest[..number_end].parse().map_err(|_| invalid())?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            unit => {
                return Err(format!(
                    "error: invalid argument {text:?} for \"--{flag}\" flag: time: unknown unit {unit:?} in duration {text:?}"
                ));
            }
        };
        total += value * factor;
        rest = &rest[unit_end..];
    }
    Ok(total as u64)
}

/// `time.Duration.String()` for whole milliseconds: `2m0s`, `1h0m0s`, `1.5s`, `500ms`.
pub fn format(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = ms / 60_000 % 60;
    let millis = ms % 60_000;
    let seconds = if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        let text = format!("{}.{:03}", millis / 1000, millis % 1000);
        format!("{}s", text.trim_end_matches('0'))
    };
    match (hours, minutes) {
        (0, 0) => seconds,
        (0, m) => format!("{m}m{seconds}"),
        (h, m) => format!("{h}h{m}m{seconds}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_like_go() {
        assert_eq!(parse("timeout", "90s"), Ok(90_000));
        assert_eq!(parse("timeout", "1h30m"), Ok(5_400_000));
        assert_eq!(parse("timeout", "1.5s"), Ok(1_500));
        assert_eq!(
            parse("timeout", "5"),
            Err("error: invalid argument \"5\" for \"--timeout\" flag: time: missing unit in duration \"5\"".into())
        );
        assert_eq!(format(120_000), "2m0s");
        assert_eq!(format(30_000), "30s");
        assert_eq!(format(3_600_000), "1h0m0s");
        assert_eq!(format(1_500), "1.5s");
    }
}
