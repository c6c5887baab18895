//! Server-side `Table`s (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the
//! columns and cells of kubectl's own printers (`rows`), every column with its priority so
//! the client picks the wide ones, and each row's object as PartialObjectMetadata (or the
//! whole object with `includeObject=Object`, which `--sort-by` asks for).

use jiff::Timestamp;
use kubeplay_kubectl::printers::rows::{self, RowContext};
use kubeplay_model::{Kind, Object};
use serde_json::{Value, json};

/// What each row carries besides its cells (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn parse(value: Option<&str>) -> IncludeObject {
        match value {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        }
    }
}

/// Whether `Accept` asks for a Table first.
pub fn wants_table(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table") && first.contains("g=meta.k8s.io"))
}

pub fn column_definitions(kind: Kind) -> Value {
    rows::columns(kind, true)
        .enumerate()
        .map(|(index, column)| {
            json!({
                "name": column.name,
                "type": "string",
                "format": if index == 0 { "name" } else { "" },
                "description": "",
                "priority": column.priority,
            })
        })
        .collect()
}

fn row(object: &Object, ctx: &RowContext, include: IncludeObject) -> Value {
    let mut row = json!({ "cells": rows::row(object, ctx) });
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            row["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": object.to_value().get("metadata").cloned().unwrap_or(Value::Null),
            });
        }
        IncludeObject::Object => row["object"] = object.to_value(),
    }
    row
}

/// A Table of `objects` (all of `kind`) as of `now`.
pub fn table(
    kind: Kind,
    objects: &[&Object],
    now: Timestamp,
    resource_version: &str,
    include: IncludeObject,
) -> Value {
    let ctx = RowContext { now, wide: true };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": { "resourceVersion": resource_version },
        "columnDefinitions": column_definitions(kind),
        "rows": objects.iter().map(|object| row(object, &ctx, include)).collect::<Vec<_>>(),
    })
}
