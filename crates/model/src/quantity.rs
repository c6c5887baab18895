//! Kubernetes resource quantities (`100m`, `70Mi`, `1.5`, `2Gi`) parsed to integer milli-units,
//! which is all the scheduler and printers need.

/// A parsed quantity in thousandths of the base unit (cores for cpu, bytes for memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Quantity {
    pub milli: i128,
}

impl Quantity {
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        if number.is_empty() {
            return None;
        }
        let (multiplier, divisor): (i128, i128) = match suffix {
            "" => (1000, 1),
            "m" => (1, 1),
            "k" => (1000 * 1000, 1),
            "M" => (1000 * 1000_000, 1),
            "G" => (1000 * 1000_000_000, 1),
            "T" => (1000 * 1000_000_000_000, 1),
            "Ki" => (1000 << 10, 1),
            "Mi" => (1000 << 20, 1),
            "Gi" => (1000 << 30, 1),
            "Ti" => (1000 << 40, 1),
            "Pi" => (1000 << 50, 1),
            "u" => (1, 1000),
            "n" => (1, 1000_000),
            exponent if exponent.starts_with(['e', 'E']) => {
                let power: u32 = exponent[1..].parse().ok()?;
                (1000 * 10i128.checked_pow(power)?, 1)
            }
            _ => return None,
        };
        let negative = number.starts_with('-');
        let digits = number.trim_start_matches(['+', '-']);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction_digits = fraction.len().min(18) as u32;
        let fraction_value: i128 = if fraction.is_empty() {
            0
        } else {
            fraction[..fraction_digits as usize].parse().ok()?
        };
        let scale = 10i128.pow(fraction_digits);
        let total = whole
            .checked_mul(multiplier)?
            .checked_add(fraction_value.checked_mul(multiplier)? / scale)?
            / divisor;
        Some(Quantity {
            milli: if negative { -total } else { total },
        })
    }

    /// Whole base units, rounded up (memory bytes, pod counts).
    pub fn value(self) -> i128 {
        (self.milli + 999).div_euclid(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(Quantity::parse("100m").map(|q| q.milli), Some(100));
        assert_eq!(Quantity::parse("1.5").map(|q| q.milli), Some(1500));
        assert_eq!(Quantity::parse("8").map(|q| q.milli), Some(8000));
        assert_eq!(
            Quantity::parse("70Mi").map(|q| q.value()),
            Some(70 * 1024 * 1024)
        );
        assert_eq!(
            Quantity::parse("16331380Ki").map(|q| q.value()),
            Some(16331380 * 1024)
        );
        assert_eq!(Quantity::parse("1e3").map(|q| q.value()), Some(1000));
        assert_eq!(Quantity::parse("abc"), None);
        assert_eq!(Quantity::parse("1Zi"), None);
        assert_eq!(Quantity::parse(""), None);
    }
}
