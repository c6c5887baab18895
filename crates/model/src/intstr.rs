//! Resolution of int-or-percent fields (`maxSurge: 25%`) as apimachinery's intstr does it.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Resolves `value` against `total`: integers as-is, `"N%"` as `N*total/100` rounded up or
/// down. Returns `None` for a malformed string (validation reports those).
pub fn scaled_value(value: &IntOrString, total: i32, round_up: bool) -> Option<i32> {
    match value {
        IntOrString::Int(int) => Some(*int),
        IntOrString::String(text) => {
            let percent: i64 = text.strip_suffix('%')?.parse().ok()?;
            let scaled = percent * i64::from(total);
            let resolved = if round_up {
                (scaled + 99).div_euclid(100)
            } else {
                scaled.div_euclid(100)
            };
            i32::try_from(resolved).ok()
        }
    }
}

/// Renders the value as kubectl describe does (`25%` or `1`).
pub fn display(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(int) => int.to_string(),
        IntOrString::String(text) => text.clone(),
    }
}

/// The value as a field error shows it: `intstr.IntOrString` has `String()` only on its
/// pointer, so apimachinery's `field.Invalid` falls back to Go's `%#v` of the struct.
pub fn go_struct(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(int) => format!("intstr.IntOrString{{Type:0, IntVal:{int}, StrVal:\"\"}}"),
        IntOrString::String(text) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(text)
            )
        }
    }
}

/// Go's `%q` of a string: printable characters as they are, the rest escaped.
pub fn go_quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => quoted.push_str(&format!("\\x{:02x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// `validation.IsValidPercent`: digits followed by `%`; the number it stands for.
pub fn valid_percent(text: &str) -> Option<i64> {
    let digits = text.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // strconv.Atoi of an overlong number fails and yields 0.
    Some(digits.parse().unwrap_or(0))
}

/// `getIntOrPercentValue`: a valid percent's number, else `IntValue()` (`Atoi`, 0 on failure).
pub fn int_or_percent_value(value: &IntOrString) -> i64 {
    match value {
        IntOrString::Int(int) => i64::from(*int),
        IntOrString::String(text) => {
            valid_percent(text).unwrap_or_else(|| text.parse::<i32>().map_or(0, i64::from))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_as_asked() {
        let quarter = IntOrString::String("25%".into());
        assert_eq!(scaled_value(&quarter, 10, true), Some(3));
        assert_eq!(scaled_value(&quarter, 10, false), Some(2));
        assert_eq!(scaled_value(&quarter, 1, false), Some(0));
        assert_eq!(scaled_value(&quarter, 1, true), Some(1));
        assert_eq!(scaled_value(&IntOrString::Int(2), 10, true), Some(2));
        assert_eq!(
            scaled_value(&IntOrString::String("x%".into()), 10, true),
            None
        );
    }
}
