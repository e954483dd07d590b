//! Files on tickets and the stored contents (blobs) they point to.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::{AttachmentRow, NewAttachment};
use crate::schema::{attachments, blobs};

type QResult<T> = Result<T, diesel::result::Error>;

/// Records that a content is (about to be) stored, or refreshes its `touched_at` so the sweep leaves it alone.
/// Runs on its own, outside a transaction: two uploads of one new content may race to insert it.
pub fn touch_blob(conn: &mut DbConn, sha256: &str, size_bytes: i64, at: NaiveDateTime) -> QResult<()> {
    let refresh =
        |conn: &mut DbConn| diesel::update(blobs::table.find(sha256)).set(blobs::touched_at.eq(at)).execute(conn);
    if refresh(conn)? > 0 {
        return Ok(());
    }
    let inserted = diesel::insert_into(blobs::table)
        .values((blobs::sha256.eq(sha256), blobs::size_bytes.eq(size_bytes), blobs::touched_at.eq(at)))
        .execute(conn);
    match inserted {
        Err(e) if crate::tx::is_unique_violation(&e) => refresh(conn).map(|_| ()),
        other => other.map(|_| ()),
    }
}

pub fn insert(conn: &mut DbConn, row: &NewAttachment) -> QResult<AttachmentRow> {
    diesel::insert_into(attachments::table)
        .values(row)
        .returning(<AttachmentRow as Selectable<crate::MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QResult<Option<AttachmentRow>> {
    attachments::table.find(id).select(AttachmentRow::as_select()).first(conn).optional()
}

/// Every file of a ticket in upload order (the caller filters what the reader may see).
pub fn of_ticket(conn: &mut DbConn, ticket_id: i64) -> QResult<Vec<AttachmentRow>> {
    attachments::table
        .filter(attachments::ticket_id.eq(ticket_id))
        .order(attachments::id.asc())
        .select(AttachmentRow::as_select())
        .load(conn)
}

/// The files of these comments, in upload order.
pub fn of_comments(conn: &mut DbConn, comment_ids: &[i64]) -> QResult<Vec<AttachmentRow>> {
    if comment_ids.is_empty() {
        return Ok(Vec::new());
    }
    attachments::table
        .filter(attachments::comment_id.eq_any(comment_ids))
        .order(attachments::id.asc())
        .select(AttachmentRow::as_select())
        .load(conn)
}

/// The bytes a ticket's files take (staged ones included: they count against the ticket's limit).
pub fn ticket_bytes(conn: &mut DbConn, ticket_id: i64) -> QResult<i64> {
    let sizes: Vec<i64> =
        attachments::table.filter(attachments::ticket_id.eq(ticket_id)).select(attachments::size_bytes).load(conn)?;
    Ok(sizes.iter().sum())
}

/// Hands staged files to the comment they were uploaded for; they take its visibility.
pub fn attach_to_comment(conn: &mut DbConn, ids: &[i64], comment_id: i64, internal: bool) -> QResult<usize> {
    diesel::update(attachments::table.filter(attachments::id.eq_any(ids)).filter(attachments::staged.eq(true)))
        .set((
            attachments::comment_id.eq(comment_id),
            attachments::internal.eq(internal),
            attachments::staged.eq(false),
        ))
        .execute(conn)
}

/// Drops staged files uploaded before `before` (a reply never sent); their blobs are left to [`unreferenced_blobs`].
pub fn delete_staged_before(conn: &mut DbConn, before: NaiveDateTime) -> QResult<usize> {
    diesel::delete(attachments::table.filter(attachments::staged.eq(true)).filter(attachments::created_at.lt(before)))
        .execute(conn)
}

/// Contents no file refers to that nobody touched since `touched_before`: what the sweep may remove.
pub fn unreferenced_blobs(conn: &mut DbConn, touched_before: NaiveDateTime, limit: i64) -> QResult<Vec<String>> {
    blobs::table
        .filter(blobs::touched_at.lt(touched_before))
        .filter(not(exists(attachments::table.filter(attachments::sha256.eq(blobs::sha256)))))
        .filter(not(exists(attachments::table.filter(attachments::thumbnail_sha256.eq(blobs::sha256.nullable())))))
        .order(blobs::sha256.asc())
        .limit(limit)
        .select(blobs::sha256)
        .load(conn)
}

/// Removes a content's row when it is still unreferenced and untouched since `touched_before` (checked again
/// under the write lock, so an upload that reused it meanwhile keeps it). True when the row went: the caller then
/// removes the stored bytes in the same transaction.
pub fn delete_blob_if_unreferenced(conn: &mut DbConn, sha256: &str, touched_before: NaiveDateTime) -> QResult<bool> {
    let deleted = diesel::delete(
        blobs::table
            .filter(blobs::sha256.eq(sha256))
            .filter(blobs::touched_at.lt(touched_before))
            .filter(not(exists(attachments::table.filter(attachments::sha256.eq(blobs::sha256)))))
            .filter(not(exists(attachments::table.filter(attachments::thumbnail_sha256.eq(blobs::sha256.nullable()))))),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// How many contents are stored and their bytes (for the operator's view and tests).
pub fn blob_totals(conn: &mut DbConn) -> QResult<(i64, i64)> {
    let sizes: Vec<i64> = blobs::table.select(blobs::size_bytes).load(conn)?;
    Ok((sizes.len() as i64, sizes.iter().sum()))
}
