//! Keyset paging by id, shared by every list that pages in id order.

use loopdesk_persistence::queries::IdPage;

use crate::{AppError, AppResult};

pub const DEFAULT_PAGE_LIMIT: i64 = 50;
pub const MAX_PAGE_LIMIT: i64 = 200;

/// Reads `limit`/`cursor` of a keyset page by id (limit 1 to 200, default 50). The returned page holds the limit
/// the client asked for; query with [`lookahead`] so [`next_id_cursor`] can tell whether more follow.
pub(crate) fn id_page(limit: Option<i64>, cursor: Option<&str>) -> AppResult<IdPage> {
    let limit = match limit {
        None => DEFAULT_PAGE_LIMIT,
        Some(l) if (1..=MAX_PAGE_LIMIT).contains(&l) => l,
        Some(_) => return Err(AppError::invalid("limit", format!("must be between 1 and {MAX_PAGE_LIMIT}"))),
    };
    let after_id = match cursor {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(id) if id >= 0 => Some(id),
            _ => return Err(AppError::BadRequest("invalid cursor".into())),
        },
    };
    Ok(IdPage { after_id, limit })
}

/// The same page asking for one extra row: its presence means there is a next page.
pub(crate) fn lookahead(page: IdPage) -> IdPage {
    IdPage { limit: page.limit + 1, ..page }
}

/// Cuts a `limit + 1` fetch down to `limit` and returns the cursor of the next page (None on the last one).
pub(crate) fn next_id_cursor<T>(items: &mut Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if items.len() <= limit {
        return None;
    }
    items.truncate(limit);
    items.last().map(|last| id(last).to_string())
}
