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
