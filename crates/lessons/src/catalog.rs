//! The lessons shipped with kubeplay (`lessons/*.md`), compiled in so the page needs no
//! network and the CLI no files.

use crate::lesson::Lesson;
use crate::parse::{LessonError, parse};

/// A shipped lesson: its name (the file name without `.md`) and its text.
pub struct Shipped {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(Shipped {
            name: $name,
            text: include_str!(concat!("../../../lessons/", $name, ".md")),
        }),*]
    };
}

/// In the order the lesson index lists them.
pub const SHIPPED: &[Shipped] = shipped![
    "000-workloads",
    "001-deploy-a-fleet",
    "002-running-at-scale",
    "003-services-spread-the-load",
    "statefulset-basics",
    "daemonset-taints",
    "jobs-and-cronjobs",
    "rolling-update",
    "node-failure",
];

impl Shipped {
    pub fn lesson(&self) -> Result<Lesson, LessonError> {
        parse(self.name, &format!("lessons/{}.md", self.name), self.text)
    }
}

/// The shipped lesson called `name`, parsed.
pub fn find(name: &str) -> Option<Result<Lesson, LessonError>> {
    SHIPPED.iter().find(|s| s.name == name).map(Shipped::lesson)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_lesson_parses() {
        for shipped in SHIPPED {
            if let Err(error) = shipped.lesson() {
                panic!("{error}");
            }
        }
    }
}
