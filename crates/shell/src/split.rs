//! Splits a pasted script into complete commands (heredoc bodies and continued lines attached).

use crate::lexer::{Lexer, Op, Token};
use crate::limits::MAX_INPUT_BYTES;

/// Splits a script into complete commands, each with its heredoc bodies and `\`-continued lines
/// attached (a line ending in `|`, `&&` or `||` also continues), skipping blank lines and lines
/// that are only comments. An unterminated heredoc or quote at the end of input is returned as
/// one last command, so that executing it gives a clear error; a line with another syntax error
/// is returned on its own.
pub fn split_commands(script: &str) -> Vec<String> {
    if script.len() > MAX_INPUT_BYTES {
        return vec![script.to_string()];
    }
    let mut commands = Vec::new();
    let mut lexer = Lexer::new(script, 0);
    let mut start: Option<usize> = None;
    let mut continues = false;
    // Open compound commands (`while … done` spans lines) and whether the next word is in
    // command position, where reserved words count.
    let mut depth = 0usize;
    let mut command_position = true;
    let push = |commands: &mut Vec<String>, from: usize, to: usize| {
        let text = script.get(from..to).unwrap_or("");
        let text = text.strip_suffix('\n').unwrap_or(text);
        if !text.trim().is_empty() {
            commands.push(text.to_string());
        }
    };
    loop {
        match lexer.next_token() {
            Ok(None) => {
                if let Some(from) = start {
                    push(&mut commands, from, script.len());
                }
                return commands;
            }
            Ok(Some(spanned)) => match spanned.token {
                Token::Op(Op::Newline) => {
                    command_position = true;
                    if let Some(from) = start.filter(|_| !continues && depth == 0) {
                        push(&mut commands, from, spanned.end);
                        start = None;
                    }
                }
                token => {
                    start.get_or_insert(spanned.start);
                    continues =
                        matches!(token, Token::Op(Op::Pipe | Op::PipeBoth | Op::And | Op::Or));
                    match &token {
                        Token::Word(word) => {
                            let text = word.plain_text().filter(|_| command_position);
                            match text {
                                Some("while" | "until" | "for" | "if" | "{") => depth += 1,
                                Some("done" | "fi" | "}") => depth = depth.saturating_sub(1),
                                _ => {}
                            }
                            command_position = matches!(
                                text,
                                Some(
                                    "do" | "then"
                                        | "else"
                                        | "elif"
                                        | "{"
                                        | "while"
                                        | "until"
                                        | "if"
                                        | "!"
                                )
                            );
                        }
                        Token::Op(_) => command_position = true,
                        _ => command_position = false,
                    }
                }
            },
            Err(error) if error.is_incomplete() => {
                push(
                    &mut commands,
                    start.unwrap_or(lexer.token_start),
                    script.len(),
                );
                return commands;
            }
            Err(_) => {
                // Hand the rest of the offending line over as one command; execution reports the error.
                let from = start.take().unwrap_or(lexer.token_start);
                let line_end = script
                    .get(lexer.pos..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(script.len(), |i| lexer.pos + i);
                push(&mut commands, from, line_end);
                lexer = Lexer::new(script, 0);
                lexer.pos = line_end;
                continues = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_and_skips_comments() {
        let script = "# title\n\nkubectl get ds\n  # note\necho a; echo b # trailing\n";
        assert_eq!(
            split_commands(script),
            vec!["kubectl get ds", "echo a; echo b # trailing"]
        );
    }

    #[test]
    fn keeps_heredoc_with_its_command() {
        let script = "cat <<EOF | tee x.yaml\na: 1\n# not a comment\nEOF\necho done\n";
        assert_eq!(
            split_commands(script),
            vec![
                "cat <<EOF | tee x.yaml\na: 1\n# not a comment\nEOF",
                "echo done"
            ]
        );
    }

    #[test]
    fn joins_continued_lines() {
        let script = "kubectl get pods \\\n  -n dev\nkubectl get pods |\n  grep x &&\n echo y\n";
        assert_eq!(
            split_commands(script),
            vec![
                "kubectl get pods \\\n  -n dev",
                "kubectl get pods |\n  grep x &&\n echo y"
            ]
        );
    }

    #[test]
    fn multiline_quotes_and_substitutions_stay_together() {
        let script = "echo 'a\nb'\nx=$(echo 1\necho 2)\necho $x\n";
        assert_eq!(
            split_commands(script),
            vec!["echo 'a\nb'", "x=$(echo 1\necho 2)", "echo $x"]
        );
    }

    #[test]
    fn unterminated_input_is_one_last_command() {
        assert_eq!(
            split_commands("echo a\ncat <<EOF\nbody\n"),
            vec!["echo a", "cat <<EOF\nbody"]
        );
        assert_eq!(
            split_commands("echo a\necho 'b\nc\n"),
            vec!["echo a", "echo 'b\nc"]
        );
    }

    #[test]
    fn other_errors_stay_on_their_line() {
        assert_eq!(
            split_commands("echo ${a/b}\necho ok\n"),
            vec!["echo ${a/b}", "echo ok"]
        );
    }
}
