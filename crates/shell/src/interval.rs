//! Time intervals as GNU coreutils' `sleep` and `timeout` read them: a C-locale `strtod`
//! number (decimal or hexadecimal, fractions, exponents, `inf`/`infinity`) followed by at most
//! one of the suffixes `s`, `m`, `h`, `d`; negative values and NaN are invalid, and a
//! number too large for a double counts as infinity (`xstrtod` flags the overflow, and
//! `sleep.c` accepts `errno == ERANGE`).

/// Seconds, possibly infinite; never negative or NaN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval(f64);

impl Interval {
    pub const ZERO: Interval = Interval(0.0);

    /// Parses one operand; `None` is GNU's "invalid time interval".
    pub fn parse(text: &str) -> Option<Interval> {
        let (seconds, rest) = strtod(text)?;
        let factor = match rest {
            "" | "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return None,
        };
        // `0 <= s` rejects NaN and negatives (but keeps `-0`).
        (0.0 <= seconds).then_some(Interval(seconds * factor))
    }

    pub fn seconds(self) -> f64 {
        self.0
    }

    pub fn is_infinite(self) -> bool {
        self.0.is_infinite()
    }

    /// Whole milliseconds (rounded), or `None` when that does not fit in a `u64`.
    pub fn millis(self) -> Option<u64> {
        let ms = (self.0 * 1000.0).round();
        // 2^64 is exactly representable; anything at or above it does not fit.
        (ms < 18_446_744_073_709_551_616.0).then_some(ms as u64)
    }

    /// The sum of several intervals, as `sleep` adds its operands.
    pub fn sum(intervals: impl IntoIterator<Item = Interval>) -> Interval {
        Interval(intervals.into_iter().map(|i| i.0).sum())
    }
}

/// C-locale `strtod`: the longest prefix of `text` that is a number, and what follows it.
/// `None` when no number starts the text (`endptr == str`).
fn strtod(text: &str) -> Option<(f64, &str)> {
    let body = text.trim_start_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']);
    let (negative, unsigned) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let (magnitude, length) = special(unsigned)
        .or_else(|| hexadecimal(unsigned))
        .or_else(|| decimal(unsigned))?;
    let value = if negative { -magnitude } else { magnitude };
    Some((value, &unsigned[length..]))
}

/// `inf`, `infinity`, `nan`, `nan(chars)`, in any case.
fn special(text: &str) -> Option<(f64, usize)> {
    let lower = text.get(..text.len().min(8))?.to_ascii_lowercase();
    if lower.starts_with("infinity") {
        return Some((f64::INFINITY, 8));
    }
    if lower.starts_with("inf") {
        return Some((f64::INFINITY, 3));
    }
    if lower.starts_with("nan") {
        let rest = &text[3..];
        let payload = rest.strip_prefix('(').and_then(|inner| {
            let end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            (inner.as_bytes().get(end) == Some(&b')')).then_some(end + 2)
        });
        return Some((f64::NAN, 3 + payload.unwrap_or(0)));
    }
    None
}

fn digits(text: &str, radix: u32) -> usize {
    text.find(|c: char| !c.is_digit(radix))
        .unwrap_or(text.len())
}

/// `12`, `1.5`, `.5`, `5.`, with an optional exponent `e[+-]N`.
fn decimal(text: &str) -> Option<(f64, usize)> {
    let whole = digits(text, 10);
    let mut end = whole;
    let mut fraction = 0;
    if text[end..].starts_with('.') {
        fraction = digits(&text[end + 1..], 10);
        end += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        return None;
    }
    end += exponent(&text[end..], ['e', 'E']);
    // What we accepted is Rust float syntax too (bar a lone trailing dot, which it takes).
    let value = text[..end].parse::<f64>().ok()?;
    Some((value, end))
}

/// The length of `e[+-]DIGITS` at the start of `text` (0 if it is not a complete exponent).
fn exponent(text: &str, markers: [char; 2]) -> usize {
    let Some(rest) = text.strip_prefix(markers) else {
        return 0;
    };
    let signed = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    let sign = rest.len() - signed.len();
    match digits(signed, 10) {
        0 => 0,
        n => 1 + sign + n,
    }
}

/// `0x1A`, `0x1.8p3`: hexadecimal mantissa with an optional binary exponent.
fn hexadecimal(text: &str) -> Option<(f64, usize)> {
    let body = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    let whole = digits(body, 16);
    let mut end = whole;
    let mut fraction = 0;
    if body[end..].starts_with('.') {
        fraction = digits(&body[end + 1..], 16);
        end += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        // `0x` alone is the number 0 followed by `x`.
        return Some((0.0, 1));
    }
    let mut value = 0.0f64;
    for c in body[..whole].chars() {
        value = value * 16.0 + f64::from(c.to_digit(16).unwrap_or(0));
    }
    let mut scale = 1.0 / 16.0;
    let fraction_digits = if fraction > 0 {
        &body[whole + 1..end]
    } else {
        ""
    };
    for c in fraction_digits.chars() {
        value += f64::from(c.to_digit(16).unwrap_or(0)) * scale;
        scale /= 16.0;
    }
    let exponent_length = exponent(&body[end..], ['p', 'P']);
    if exponent_length > 0 {
        let power: i32 = body[end + 1..end + exponent_length]
            .parse()
            .unwrap_or(i32::MAX);
        value *= 2f64.powi(power);
    }
    Some((value, 2 + end + exponent_length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> Option<f64> {
        Interval::parse(text).map(Interval::seconds)
    }

    #[test]
    fn reads_numbers_as_strtod_does() {
        assert_eq!(seconds("5"), Some(5.0));
        assert_eq!(seconds("0.5"), Some(0.5));
        assert_eq!(seconds(".5"), Some(0.5));
        assert_eq!(seconds("5."), Some(5.0));
        assert_eq!(seconds("+2"), Some(2.0));
        assert_eq!(seconds("  3"), Some(3.0));
        assert_eq!(seconds("1e3"), Some(1000.0));
        assert_eq!(
            seconds("1e"),
            None,
            "a dangling exponent leaves `e` as a bad suffix"
        );
        assert_eq!(seconds("0x10"), Some(16.0));
        assert_eq!(seconds("0x1.8p1"), Some(3.0));
        assert_eq!(seconds("-0"), Some(-0.0));
        assert_eq!(seconds("1e999"), Some(f64::INFINITY));
    }

    #[test]
    fn applies_one_suffix() {
        assert_eq!(seconds("1.5m"), Some(90.0));
        assert_eq!(seconds("2h"), Some(7200.0));
        assert_eq!(seconds("1d"), Some(86400.0));
        assert_eq!(seconds("3s"), Some(3.0));
        assert_eq!(seconds("infinity"), Some(f64::INFINITY));
        assert_eq!(seconds("INFs"), Some(f64::INFINITY));
        assert_eq!(seconds("1ms"), None);
        assert_eq!(seconds("1x"), None);
        assert_eq!(seconds("5 "), None);
    }

    #[test]
    fn rejects_what_gnu_rejects() {
        for text in ["", "abc", "-1", "nan", "NaN(12)", "s", "m", ".", "-", "1 s"] {
            assert_eq!(seconds(text), None, "{text:?}");
        }
    }

    #[test]
    fn millis_round_and_refuse_overflow() {
        assert_eq!(Interval(0.0004).millis(), Some(0));
        assert_eq!(Interval(1.5).millis(), Some(1500));
        assert_eq!(Interval(1e30).millis(), None);
        assert_eq!(Interval(f64::INFINITY).millis(), None);
    }
}
