//! Tickets: create, read, list, edit, move through the workflow, assign,
//! transfer, reply and note, and read the history.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use loopdesk_app::App;
use loopdesk_app::domain::ids::TicketId;
use loopdesk_app::tickets::{
    AssignInput, HistoryQuery, NewCommentInput, NewTicketInput, TicketListQuery, TicketPatch, TransferInput,
    TransitionInput,
};
use loopdesk_app::views::{CommentView, EventView, Page, TicketView};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::{Caller, Json, etag, idempotency_key, if_match_version, validated};
use crate::problem::{ApiError, Problem};

/// A ticket response with its ETag.
pub(crate) fn ticket_response(status: actix_web::http::StatusCode, ticket: &TicketView) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(ticket.version)).json(ticket)
}

/// The `cf.<key>=<value>` pairs of the query string (custom-field equality filters).
fn custom_field_filters(req: &HttpRequest) -> Result<Vec<(String, String)>, ApiError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string()).map_err(|e| {
        ApiError::new(crate::problem::for_status(actix_web::http::StatusCode::BAD_REQUEST, e.to_string()))
    })?;
    Ok(pairs
        .into_inner()
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("cf.").map(|key| (key.to_string(), v)))
        .collect())
}

/// List the tickets you may see. Filters combine with AND; custom fields filter as
/// `cf.<key>=<value>`. Pages are keyset-based: pass `next_cursor` back as `cursor`.
#[utoipa::path(get, operation_id = "list_tickets", tag = "tickets", params(TicketListQuery), responses(
    (status = 200, description = "One page of tickets", body = Page<TicketView>),
))]
#[get("/tickets")]
pub async fn list(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<TicketListQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let custom_fields = custom_field_filters(&req)?;
    let query = query.into_inner();
    let page = caller.run(&app, move |app, actor| app.list_tickets(actor, &query, &custom_fields)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Create a ticket. Send `Idempotency-Key` to retry safely: a repeat returns the first
/// response (with `Idempotency-Replayed: true`) and creates nothing.
#[utoipa::path(post, operation_id = "create_ticket", tag = "tickets", request_body = NewTicketInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "unique per intended ticket, e.g. a UUID")),
    responses(
        (status = 201, description = "Created (or replayed)", body = TicketView,
            headers(("ETag" = String, description = "the version, for If-Match"), ("Location" = String, description = "the ticket's URL"))),
        (status = 409, description = "external_source + external_id already used; the problem names the existing ticket", body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets")]
pub async fn create(
    app: web::Data<App>,
    caller: Caller,
    input: Json<NewTicketInput>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let key = idempotency_key(&req)?;
    let input = input.into_inner();
    let created = caller.run(&app, move |app, actor| app.create_ticket(actor, &input, key.as_deref())).await?;
    let mut response = HttpResponse::Created();
    response
        .insert_header(etag(created.ticket.version))
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", created.ticket.id)));
    if created.replayed {
        response.insert_header(("Idempotency-Replayed", "true"));
    }
    Ok(response.json(created.ticket))
}

/// One ticket, with its ETag. Tickets you may not see are 404, like missing ones.
#[utoipa::path(get, operation_id = "get_ticket", tag = "tickets", params(("id" = i64, Path, description = "ticket id")), responses(
    (status = 200, description = "The ticket", body = TicketView, headers(("ETag" = String, description = "the version, for If-Match"))),
))]
#[get("/tickets/{id}")]
pub async fn get(app: web::Data<App>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ticket = caller.run(&app, move |app, actor| app.get_ticket(actor, TicketId(id))).await?;
    Ok(ticket_response(actix_web::http::StatusCode::OK, &ticket))
}

/// Edit fields. Send `If-Match` with the ETag you read: if someone changed the ticket
/// since, the answer is 412 and nothing is overwritten.
#[utoipa::path(patch, operation_id = "update_ticket", tag = "tickets", request_body = TicketPatch,
    params(("id" = i64, Path, description = "ticket id"), ("If-Match" = Option<String>, Header, description = "the ETag from GET, e.g. \"3\"")),
    responses(
        (status = 200, description = "Updated", body = TicketView),
        (status = 409, description = "The ticket is being changed by others right now; try again", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since your read; reload", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/tickets/{id}")]
pub async fn update(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<TicketPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let expected = if_match_version(&req)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket = caller.run(&app, move |app, actor| app.update_ticket(actor, TicketId(id), &input, expected)).await?;
    Ok(ticket_response(actix_web::http::StatusCode::OK, &ticket))
}

/// Move the ticket to another status: new → assigned → in_progress → pending → resolved → closed;
/// resolved or closed can be reopened to in_progress. Customers may confirm (resolved → closed) or reopen.
#[utoipa::path(post, operation_id = "transition_ticket", tag = "tickets", request_body = TransitionInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses(
        (status = 200, description = "Moved", body = TicketView),
        (status = 409, description = "Not allowed from the current status; `allowed_transitions` lists what is", body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/transitions")]
pub async fn transition(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<TransitionInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket = caller.run(&app, move |app, actor| app.transition_ticket(actor, TicketId(id), &input)).await?;
    Ok(ticket_response(actix_web::http::StatusCode::OK, &ticket))
}

/// Dispatch by hand: set the assignee and/or group, with a handover note.
#[utoipa::path(post, operation_id = "assign_ticket", tag = "tickets", request_body = AssignInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Assigned", body = TicketView),
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/assign")]
pub async fn assign(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<AssignInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket = caller.run(&app, move |app, actor| app.assign_ticket(actor, TicketId(id), &input)).await?;
    Ok(ticket_response(actix_web::http::StatusCode::OK, &ticket))
}

/// Transfer (转交) to another group or person; the reason is required and kept in the history.
#[utoipa::path(post, operation_id = "transfer_ticket", tag = "tickets", request_body = TransferInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "Transferred", body = TicketView),
        (status = 409, description = "Closed, or already with that group and person", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/transfer")]
pub async fn transfer(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<TransferInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let ticket = caller.run(&app, move |app, actor| app.transfer_ticket(actor, TicketId(id), &input)).await?;
    Ok(ticket_response(actix_web::http::StatusCode::OK, &ticket))
}

/// Replies and internal notes, oldest first. Customers never receive internal notes.
#[utoipa::path(get, tag = "tickets",
    params(("id" = i64, Path, description = "ticket id"), HistoryQuery),
    responses((status = 200, description = "One page of comments", body = Page<CommentView>)))]
#[get("/tickets/{id}/comments")]
pub async fn list_comments(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, query) = (id.into_inner(), query.into_inner());
    let page = caller.run(&app, move |app, actor| app.list_comments(actor, TicketId(id), &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Add a public reply, or an internal note (`internal: true`, staff only).
#[utoipa::path(post, tag = "tickets", request_body = NewCommentInput,
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 201, description = "Added", body = CommentView),
        (status = 409, description = "The ticket is being changed by others right now; try again", body = Problem, content_type = "application/problem+json")))]
#[post("/tickets/{id}/comments")]
pub async fn add_comment(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    input: Json<NewCommentInput>,
) -> Result<HttpResponse, ApiError> {
    validated(&*input)?;
    let (id, input) = (id.into_inner(), input.into_inner());
    let comment = caller.run(&app, move |app, actor| app.add_comment(actor, TicketId(id), &input)).await?;
    Ok(HttpResponse::Created().json(comment))
}

/// The ticket's append-only history, oldest first. Customers see status changes and public replies only.
#[utoipa::path(get, tag = "tickets",
    params(("id" = i64, Path, description = "ticket id"), HistoryQuery,
        ("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en: the language of dispatch reasons")),
    responses((status = 200, description = "One page of events", body = Page<EventView>)))]
#[get("/tickets/{id}/events")]
pub async fn list_events(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<HistoryQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, query, locale) = (id.into_inner(), query.into_inner(), crate::extract::locale(&req));
    let page = caller.run(&app, move |app, actor| app.list_events(actor, TicketId(id), &query, locale)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(transition)
        .service(assign)
        .service(transfer)
        .service(list_comments)
        .service(add_comment)
        .service(list_events);
}
