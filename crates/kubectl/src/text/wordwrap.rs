//! Word wrapping as `github.com/mitchellh/go-wordwrap` v1.0.1 does it (kubectl's
//! `term.NewWordWrapWriter`, which `kubectl explain`'s `wrap` template function uses):
//! breaks only at white space, keeps existing line breaks, lets a word longer than the limit
//! overrun it, and counts characters, not bytes.

const NO_BREAK_SPACE: char = '\u{a0}';

/// `s` wrapped at `limit` characters per line.
pub fn wrap(s: &str, limit: usize) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / limit.max(1));
    let mut current = 0;
    let mut word = String::new();
    let mut word_len = 0;
    let mut space = String::new();
    let mut space_len = 0;
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= limit {
                    out.push_str(&space);
                }
            } else {
                out.push_str(&space);
                out.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != NO_BREAK_SPACE {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                out.push_str(&space);
                out.push_str(&word);
                space.clear();
                space_len = 0;
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > limit && word_len < limit {
                out.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= limit {
            out.push_str(&space);
        }
    } else {
        out.push_str(&space);
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn breaks_at_spaces_within_the_limit() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("aaa bbb ccc", 100), "aaa bbb ccc");
    }

    #[test]
    fn keeps_line_breaks_and_lets_long_words_overrun() {
        assert_eq!(wrap("a\n\nb", 5), "a\n\nb");
        assert_eq!(
            wrap("https://example.com/a/long/path x", 10),
            "https://example.com/a/long/path\nx"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(wrap("ééé ééé", 7), "ééé ééé");
    }
}
