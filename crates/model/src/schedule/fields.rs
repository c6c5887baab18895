//! robfig/cron v3's field parser (`getField`, `getRange`, `parseIntOrName`, `mustParseInt`):
//! each field becomes a bit set of the values it allows, and every mistake is reported in
//! robfig's words, which the API server passes on as the `spec.schedule` error.

/// robfig's `starBit`: the field was `*` or `?` (with no step above 1).
pub const STAR_BIT: u64 = 1 << 63;

/// A field's allowed range and, for months and weekdays, its names.
pub struct Bounds {
    pub min: u32,
    pub max: u32,
    pub names: &'static [(&'static str, u32)],
}

pub const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
pub const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
pub const DAYS_OF_MONTH: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
pub const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
pub const DAYS_OF_WEEK: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// `getField`: the union of the comma-separated ranges.
pub fn field(text: &str, bounds: &Bounds) -> Result<u64, String> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .try_fold(0, |bits, part| Ok(bits | range(part, bounds)?))
}

/// `getRange`: `*`, `?`, `N`, `N-M`, each optionally `/STEP` (`N/STEP` runs to the maximum).
fn range(expr: &str, bounds: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let mut extra = 0;
    let (start, mut end) = if matches!(low_and_high[0], "*" | "?") {
        extra = STAR_BIT;
        (bounds.min, bounds.max)
    } else {
        let start = int_or_name(low_and_high[0], bounds)?;
        match low_and_high.len() {
            1 => (start, start),
            2 => (start, int_or_name(low_and_high[1], bounds)?),
            _ => return Err(format!("too many hyphens: {expr}")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = must_parse_int(range_and_step[1])?;
            if single {
                end = bounds.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < bounds.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            bounds.min
        ));
    }
    if end > bounds.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            bounds.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let bits = (start..=end)
        .step_by(usize::try_from(step).unwrap_or(usize::MAX))
        .fold(0u64, |bits, value| bits | (1 << value));
    Ok(bits | extra)
}

fn int_or_name(expr: &str, bounds: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    match bounds.names.iter().find(|(name, _)| *name == lower) {
        Some((_, value)) => Ok(*value),
        None => must_parse_int(expr),
    }
}

/// `mustParseInt`: Go's `strconv.Atoi`, then no negatives. Values beyond what a bit set
/// holds are out of every field's range anyway, so they are capped for the range check.
fn must_parse_int(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax"
        ));
    }
    let Ok(number) = expr.parse::<i64>() else {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: value out of range"
        ));
    };
    if number < 0 {
        return Err(format!("negative number ({number}) not allowed: {expr}"));
    }
    Ok(u32::try_from(number).unwrap_or(u32::MAX).min(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_steps_become_bits() {
        assert_eq!(field("*/15", &MINUTES), Ok(1 | 1 << 15 | 1 << 30 | 1 << 45));
        assert_eq!(field("1-3,5", &HOURS), Ok(0b10_1110));
        assert_eq!(field("mon-WED", &DAYS_OF_WEEK), Ok(0b1110));
        assert_eq!(field("?", &DAYS_OF_WEEK), Ok(0b111_1111 | STAR_BIT));
        assert_eq!(field("50/5", &MINUTES), Ok(1 << 50 | 1 << 55));
    }

    #[test]
    fn mistakes_in_robfigs_words() {
        let error = |text: &str, bounds: &Bounds| field(text, bounds).err().unwrap_or_default();
        assert_eq!(
            error("61", &MINUTES),
            "end of range (61) above maximum (59): 61"
        );
        assert_eq!(
            error("0", &DAYS_OF_MONTH),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            error("5-2", &HOURS),
            "beginning of range (5) beyond end of range (2): 5-2"
        );
        assert_eq!(
            error("*/0", &HOURS),
            "step of range should be a positive number: */0"
        );
        assert_eq!(error("1-2-3", &HOURS), "too many hyphens: 1-2-3");
        assert_eq!(error("1/2/3", &HOURS), "too many slashes: 1/2/3");
        assert_eq!(
            error("L", &DAYS_OF_MONTH),
            "failed to parse int from L: strconv.Atoi: parsing \"L\": invalid syntax"
        );
        assert_eq!(
            error("-1", &MINUTES),
            "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"
        );
        assert_eq!(
            error("7", &DAYS_OF_WEEK),
            "end of range (7) above maximum (6): 7"
        );
        assert_eq!(
            error("99999999999999999999", &MINUTES),
            "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
    }
}
