//! `base64` encoding (wrapped at 76 columns, `-w N`) and decoding (`-d`), e.g. for Secrets.

use super::{Io, UtilError, parse_count, parse_opts, read_input};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

pub(crate) fn base64(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "dw:i", &[("decode", 'd'), ("wrap", 'w')])?;
    let input = match opts.operands.first() {
        Some(name) => read_input(name, io)?,
        None => io.stdin.to_string(),
    };
    if opts.has('d') {
        let bytes = decode(&input).ok_or(UtilError::Usage("invalid input"))?;
        io.out.out(&String::from_utf8_lossy(&bytes));
        return Ok(0);
    }
    let wrap = opts
        .value('w')
        .map(|w| parse_count(w, "wrap size"))
        .transpose()?
        .unwrap_or(76);
    let encoded = encode(input.as_bytes());
    let mut output = String::with_capacity(encoded.len() + encoded.len() / 76 + 1);
    if wrap == 0 {
        output.push_str(&encoded);
    } else {
        let chars: Vec<char> = encoded.chars().collect();
        for line in chars.chunks(wrap) {
            output.extend(line);
            output.push('\n');
        }
    }
    if wrap == 0 || encoded.is_empty() {
        output.push('\n');
    }
    io.out.out(if encoded.is_empty() { "" } else { &output });
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    #[test]
    fn round_trips() {
        assert_eq!(ok("base64", &[], "admin"), "YWRtaW4=\n");
        assert_eq!(ok("base64", &[], "ab"), "YWI=\n");
        assert_eq!(ok("base64", &["-d"], "YWRtaW4=\n"), "admin");
        assert_eq!(ok("base64", &["--decode"], "cGFzc3dvcmQ="), "password");
        assert_eq!(ok("base64", &["-w", "4"], "admin"), "YWRt\naW4=\n");
        assert_eq!(ok("base64", &["-w0"], "admin"), "YWRtaW4=\n");
        assert_eq!(run("base64", &["-d"], "!!").status, 1);
    }
}
