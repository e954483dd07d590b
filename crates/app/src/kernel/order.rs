//! Ordered lists that an admin rearranges as a whole (routing rules, SLA policies, later workflows and macros).

use std::collections::BTreeSet;

use loopdesk_domain::errors::FieldErrors;

use crate::{AppError, AppResult};

/// Checks a new order of an ordered list: every existing id exactly once. Returns the positions to store:
/// 10, 20, 30 …
pub(crate) fn checked_order(
    field: &str,
    what: &str,
    ids: &[i64],
    existing: &BTreeSet<i64>,
) -> AppResult<Vec<(i64, i32)>> {
    let given: BTreeSet<i64> = ids.iter().copied().collect();
    if given.len() != ids.len() {
        return Err(AppError::invalid(field, format!("lists a {what} more than once")));
    }
    if &given != existing {
        let missing: Vec<String> = existing.difference(&given).map(i64::to_string).collect();
        let unknown: Vec<String> = given.difference(existing).map(i64::to_string).collect();
        let mut errors = FieldErrors::new();
        if !missing.is_empty() {
            errors.add(field, format!("must list every {what}; missing {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            errors.add(field, format!("unknown {what}s {}", unknown.join(", ")));
        }
        return Err(AppError::Validation(errors));
    }
    Ok(ids.iter().enumerate().map(|(i, id)| (*id, i32::try_from((i + 1) * 10).unwrap_or(i32::MAX))).collect())
}
