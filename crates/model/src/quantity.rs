//! apimachinery's `resource.Quantity` (`100m`, `70Mi`, `1.5`, `2Gi`, `1e3`): parsing, the
//! canonical `String()` describe prints, `Add`, comparison, `Value()` and `MilliValue()`.
//! Values are held exactly in nano-units (Go rounds finer precision up to nanos too). The
//! scheduler, validation and kubectl all use this one type.

use std::cmp::Ordering;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;

const NANOS_PER_UNIT: i128 = 1_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    BinarySi,
    DecimalSi,
    DecimalExponent,
}

#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

impl Quantity {
    /// Go's zero `Quantity{}` (what a missing map key yields): prints `0`.
    pub const ZERO: Quantity = Quantity {
        nanos: 0,
        format: Format::DecimalSi,
    };

    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(number_end);
        let (negative, digits) = match number.as_bytes().first() {
            Some(b'-') => (true, &number[1..]),
            Some(b'+') => (false, &number[1..]),
            _ => (false, number),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole
                .chars()
                .chain(fraction.chars())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        // mantissa * 10^scale
        let mut mantissa: i128 = 0;
        for c in whole.chars().chain(fraction.chars()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(c as u8 - b'0'))?;
        }
        let mut scale = -i32::try_from(fraction.len()).ok()?;
        let mut multiplier: i128 = 1;
        let format = match suffix {
            "" => Format::DecimalSi,
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = "KMGTPE".find(&suffix[..1])? as u32 + 1;
                multiplier = 1024_i128.pow(power);
                Format::BinarySi
            }
            "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
                scale += match suffix {
                    "n" => -9,
                    "u" => -6,
                    "m" => -3,
                    "k" => 3,
                    "M" => 6,
                    "G" => 9,
                    "T" => 12,
                    "P" => 15,
                    _ => 18,
                };
                Format::DecimalSi
            }
            _ => {
                let exponent = suffix.strip_prefix(['e', 'E'])?;
                scale = scale.checked_add(exponent.parse::<i32>().ok()?)?;
                Format::DecimalExponent
            }
        };
        // Convert to nanos, rounding any finer precision up (away from zero) like Go.
        let shift = scale.checked_add(9)?;
        let mut nanos = mantissa.checked_mul(multiplier)?;
        if shift >= 0 {
            nanos = nanos.checked_mul(10_i128.checked_pow(shift.unsigned_abs())?)?;
        } else {
            let divisor = 10_i128.checked_pow(shift.unsigned_abs())?;
            let rounded_up = nanos % divisor != 0;
            nanos = nanos / divisor + i128::from(rounded_up);
        }
        Some(Quantity {
            nanos: if negative { -nanos } else { nanos },
            format,
        })
    }

    /// Why apimachinery's `ParseQuantity` refuses `text`, in its words (`ErrFormatWrong`,
    /// `ErrSuffix`, `ErrNumeric`), or `None` when it parses.
    pub fn parse_error(text: &str) -> Option<&'static str> {
        const FORMAT_WRONG: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        const SUFFIX: &str = "unable to parse quantity's suffix";
        const NUMERIC: &str = "unable to parse numeric part of quantity";
        let text = text.trim();
        if text.is_empty() {
            return Some(FORMAT_WRONG);
        }
        // parseQuantityString: sign, digits, optional fraction, then suffix characters,
        // an optional exponent sign and digits; anything left over is a format error.
        let bytes = text.as_bytes();
        let mut pos = usize::from(matches!(bytes[0], b'+' | b'-'));
        let number_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos < bytes.len() && bytes[pos] == b'.' {
            pos += 1;
            while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                pos += 1;
            }
        }
        let number = &text[number_start..pos];
        let suffix_start = pos;
        while pos < bytes.len() && b"eEinumkKMGTP".contains(&bytes[pos]) {
            pos += 1;
        }
        if pos < bytes.len() && matches!(bytes[pos], b'+' | b'-') {
            pos += 1;
        }
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos < bytes.len() {
            return Some(FORMAT_WRONG);
        }
        let suffix = &text[suffix_start..];
        let known_suffix = matches!(
            suffix,
            "" | "Ki"
                | "Mi"
                | "Gi"
                | "Ti"
                | "Pi"
                | "Ei"
                | "n"
                | "u"
                | "m"
                | "k"
                | "M"
                | "G"
                | "T"
                | "P"
                | "E"
        ) || suffix
            .strip_prefix(['e', 'E'])
            .is_some_and(|exponent| exponent.parse::<i32>().is_ok());
        if !known_suffix {
            return Some(SUFFIX);
        }
        if number.is_empty() || number == "." || Quantity::parse(text).is_none() {
            return Some(NUMERIC);
        }
        None
    }

    /// Parses an API quantity; an unparsable one counts as zero.
    pub fn of(quantity: &ApiQuantity) -> Quantity {
        Quantity::parse(&quantity.0).unwrap_or(Quantity::ZERO)
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// `Add`: the sum keeps the receiver's format unless the receiver is zero.
    pub fn add(&mut self, other: Quantity) {
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos = self.nanos.saturating_add(other.nanos);
    }

    /// `Value()`: whole units, rounded up.
    pub fn value(&self) -> i64 {
        clamp(ceil_div(self.nanos, NANOS_PER_UNIT))
    }

    /// `MilliValue()`: thousandths, rounded up.
    pub fn milli_value(&self) -> i64 {
        clamp(ceil_div(self.nanos, 1_000_000))
    }

    /// Thousandths of the base unit, rounded up (what requests and capacity are summed in).
    pub fn milli(&self) -> i128 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// Canonical `String()` (`CanonicalizeBytes`): `100m`, `1500m`, `2`, `170Mi`, `1Gi`, `129e6`.
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_string();
        }
        if self.format == Format::BinarySi
            && self.nanos.unsigned_abs() >= 1024 * NANOS_PER_UNIT.unsigned_abs()
            && self.nanos % NANOS_PER_UNIT == 0
        {
            let mut amount = self.nanos / NANOS_PER_UNIT;
            let mut power = 0;
            while power < 6 && amount % 1024 == 0 {
                amount /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return format!("{amount}{suffix}");
        }
        let mut mantissa = self.nanos;
        let mut exponent: i32 = -9;
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        // Lower the exponent to a multiple of three (Go's AsCanonicalBytes).
        let step = exponent.rem_euclid(3);
        match mantissa.checked_mul(10_i128.pow(step.unsigned_abs())) {
            Some(scaled) => {
                mantissa = scaled;
                exponent -= step;
            }
            None => return format!("{mantissa}e{exponent}"),
        }
        let suffix = match (self.format, exponent) {
            (_, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, -9) => "n".to_string(),
            (_, -6) => "u".to_string(),
            (_, -3) => "m".to_string(),
            (_, 3) => "k".to_string(),
            (_, 6) => "M".to_string(),
            (_, 9) => "G".to_string(),
            (_, 12) => "T".to_string(),
            (_, 15) => "P".to_string(),
            (_, 18) => "E".to_string(),
            (_, e) => format!("e{e}"),
        };
        format!("{mantissa}{suffix}")
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.nanos.cmp(&other.nanos))
    }
}

/// The canonical form of an API quantity; unparsable text is shown as given.
pub fn canonical(quantity: &ApiQuantity) -> String {
    match Quantity::parse(&quantity.0) {
        Some(q) => q.canonical(),
        None => quantity.0.clone(),
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    let q = n / d;
    if n % d > 0 { q + 1 } else { q }
}

fn clamp(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {

    #[test]
    fn parse_errors_use_apimachinery_words() {
        let wrong = Some(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        );
        for fine in ["1Gi", "500m", "1e3", "0.5", "+2k", "1E-2", " 3 "] {
            assert_eq!(Quantity::parse_error(fine), None, "{fine}");
        }
        assert_eq!(Quantity::parse_error("1Gb"), wrong);
        assert_eq!(Quantity::parse_error(""), wrong);
        assert_eq!(Quantity::parse_error("abc"), wrong);
        assert_eq!(
            Quantity::parse_error("32MMi"),
            Some("unable to parse quantity's suffix")
        );
        assert_eq!(
            Quantity::parse_error("Gi"),
            Some("unable to parse numeric part of quantity")
        );
    }

    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s)
            .map(|q| q.canonical())
            .unwrap_or_default()
    }

    #[test]
    fn canonical_forms_match_apimachinery() {
        for (input, want) in [
            ("100m", "100m"),
            ("0.1", "100m"),
            ("1.5", "1500m"),
            ("1500m", "1500m"),
            ("2000m", "2"),
            ("8", "8"),
            ("0", "0"),
            ("0Mi", "0"),
            ("70Mi", "70Mi"),
            ("1024Mi", "1Gi"),
            ("1000Mi", "1000Mi"),
            ("1.5Gi", "1536Mi"),
            ("512Ki", "512Ki"),
            ("100Ki", "100Ki"),
            ("1000", "1k"),
            ("1k", "1k"),
            ("128974848", "128974848"),
            ("129e6", "129e6"),
            ("1e3", "1e3"),
            ("16331380Ki", "16331380Ki"),
            ("1Ki", "1Ki"),
            ("0.5Ki", "512"),
            ("1n", "1n"),
            ("0.1n", "1n"),
            ("-100m", "-100m"),
            ("1.2G", "1200M"),
        ] {
            assert_eq!(canon(input), want, "{input}");
        }
        assert!(Quantity::parse("abc").is_none());
        assert!(Quantity::parse("1Qi").is_none());
        assert!(Quantity::parse("").is_none());
        assert!(Quantity::parse("1e2147483647").is_none());
        assert!(Quantity::parse("1e-2147483648").is_none());
        assert_eq!(canon("99999999999999999999e9"), "99999999999999999999e9");
    }

    #[test]
    fn values_round_up_and_sums_keep_the_first_format() {
        let q = Quantity::parse("100m").unwrap();
        assert_eq!(q.milli_value(), 100);
        assert_eq!(q.value(), 1);
        let mut sum = Quantity::ZERO;
        sum.add(Quantity::parse("70Mi").unwrap());
        sum.add(Quantity::parse("100Mi").unwrap());
        assert_eq!(sum.canonical(), "170Mi");
        let mut cpu = Quantity::parse("100m").unwrap();
        cpu.add(Quantity::parse("1").unwrap());
        assert_eq!(cpu.canonical(), "1100m");
        assert!(Quantity::parse("1").unwrap() > Quantity::parse("999m").unwrap());
        assert!(Quantity::parse("1Gi").unwrap() == Quantity::parse("1024Mi").unwrap());
    }

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(Quantity::parse("100m").map(|q| q.milli()), Some(100));
        assert_eq!(Quantity::parse("1.5").map(|q| q.milli()), Some(1500));
        assert_eq!(Quantity::parse("8").map(|q| q.milli()), Some(8000));
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
