//! YAML syntax highlighting for the editor: splits each line into classed spans (keys,
//! values, comments, list dashes, document markers). Pure text in, text out — rendering as
//! HTML escapes every span, so no input can inject markup.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Plain,
    Key,
    Value,
    Comment,
    Punctuation,
    Marker,
}

impl Class {
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "",
            Class::Key => "y-key",
            Class::Value => "y-value",
            Class::Comment => "y-comment",
            Class::Punctuation => "y-punct",
            Class::Marker => "y-marker",
        }
    }
}

/// Where a `#` starts a comment (at line start or after whitespace, outside quotes).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (index, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(index),
            None => {}
        }
        previous = c;
    }
    None
}

pub fn highlight_line(line: &str) -> Vec<(Class, String)> {
    let mut spans = Vec::new();
    if line.starts_with("---") || line.starts_with("...") {
        spans.push((Class::Marker, line.to_string()));
        return spans;
    }
    let (code, comment) = match comment_start(line) {
        Some(index) => (&line[..index], Some(&line[index..])),
        None => (line, None),
    };
    let indent_len = code.len() - code.trim_start().len();
    spans.push((Class::Plain, code[..indent_len].to_string()));
    let mut rest = &code[indent_len..];
    while let Some(after) = rest
        .strip_prefix("- ")
        .or_else(|| (rest == "-").then_some(""))
    {
        spans.push((Class::Punctuation, "-".into()));
        spans.push((
            Class::Plain,
            if rest == "-" {
                String::new()
            } else {
                " ".into()
            },
        ));
        rest = after;
    }
    match rest
        .find(": ")
        .map(|i| (i, 2))
        .or_else(|| rest.strip_suffix(':').map(|k| (k.len(), 1)))
    {
        Some((index, width)) if !rest.starts_with(['"', '\'']) => {
            spans.push((Class::Key, rest[..index].to_string()));
            spans.push((Class::Punctuation, rest[index..index + width].to_string()));
            spans.push((Class::Value, rest[index + width..].to_string()));
        }
        _ => spans.push((Class::Value, rest.to_string())),
    }
    if let Some(comment) = comment {
        spans.push((Class::Comment, comment.to_string()));
    }
    spans.retain(|(_, text)| !text.is_empty());
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_keys_values_and_comments() {
        let spans = highlight_line("  replicas: 3   # scale-out: https://x");
        assert_eq!(
            spans,
            vec![
                (Class::Plain, "  ".into()),
                (Class::Key, "replicas".into()),
                (Class::Punctuation, ": ".into()),
                (Class::Value, "3   ".into()),
                (Class::Comment, "# scale-out: https://x".into()),
            ]
        );
        let list = highlight_line("- name: demo");
        assert_eq!(list[0], (Class::Punctuation, "-".into()));
        assert_eq!(highlight_line("---"), vec![(Class::Marker, "---".into())]);
        let concatenated: String = highlight_line("  image: \"a # not a comment\"")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(concatenated, "  image: \"a # not a comment\"");
    }
}
