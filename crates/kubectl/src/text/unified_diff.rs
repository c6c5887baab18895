//! `diff -u -N` hunks, as the `diff` program kubectl runs prints them: a longest common
//! subsequence of lines, changes shown as deletions then insertions, three lines of
//! context, nearby changes joined into one hunk. Object documents are a few hundred lines,
//! so the quadratic table is small.

/// One line of an edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    Keep(usize, usize),
    Delete(usize),
    Insert(usize),
}

const CONTEXT: usize = 3;

/// The hunks (`@@ -a,b +c,d @@` and their lines) between `old` and `new`; empty when equal.
pub fn hunks(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let edits = edit_script(&a, &b);
    let changes: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Keep(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = String::new();
    let mut index = 0;
    while index < changes.len() {
        let start = changes[index].saturating_sub(CONTEXT);
        let mut end = changes[index];
        while index + 1 < changes.len() && changes[index + 1] <= end + 2 * CONTEXT + 1 {
            index += 1;
            end = changes[index];
        }
        let end = (end + CONTEXT + 1).min(edits.len());
        out.push_str(&hunk(&edits[start..end], &a, &b));
        index += 1;
    }
    out
}

fn hunk(edits: &[Edit], a: &[&str], b: &[&str]) -> String {
    // Where the hunk starts in each file: the first line it covers there, or the line
    // before it when it covers none.
    let mut old_start = None;
    let mut new_start = None;
    let (mut old_count, mut new_count) = (0, 0);
    let mut body = String::new();
    for edit in edits {
        match *edit {
            Edit::Keep(i, j) => {
                old_start.get_or_insert(i);
                new_start.get_or_insert(j);
                old_count += 1;
                new_count += 1;
                body.push_str(&format!(" {}\n", a[i]));
            }
            Edit::Delete(i) => {
                old_start.get_or_insert(i);
                old_count += 1;
                body.push_str(&format!("-{}\n", a[i]));
            }
            Edit::Insert(j) => {
                new_start.get_or_insert(j);
                new_count += 1;
                body.push_str(&format!("+{}\n", b[j]));
            }
        }
    }
    // GNU diff writes `L,0` for an empty range; kubectl's files are only ever empty
    // as a whole (a new object), so L is 0.
    let range = |start: Option<usize>, count: usize| match count {
        0 => "0,0".to_string(),
        1 => format!("{}", start.unwrap_or(0) + 1),
        n => format!("{},{n}", start.unwrap_or(0) + 1),
    };
    format!(
        "@@ -{} +{} @@\n{body}",
        range(old_start, old_count),
        range(new_start, new_count)
    )
}

/// The edit script of a longest common subsequence; within a change, deletions first.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Edit> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut edits = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            edits.push(Edit::Keep(i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            edits.push(Edit::Delete(i));
            i += 1;
        } else {
            edits.push(Edit::Insert(j));
            j += 1;
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_like_gnu_diff() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n";
        assert_eq!(
            hunks(old, new),
            "@@ -2,9 +2,10 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n i\n j\n+k\n"
        );
        assert_eq!(hunks("", "x\ny\n"), "@@ -0,0 +1,2 @@\n+x\n+y\n");
        assert_eq!(hunks("x\n", "x\n"), "");
        let far = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        let far_new = "0\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n13\n";
        assert_eq!(
            hunks(far, far_new),
            "@@ -1,4 +1,4 @@\n-1\n+0\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+13\n"
        );
    }
}
