//! Reports: transfers between groups (the metrics and dashboards of module 8 join them here).

use actix_web::{HttpResponse, get, web};
use loopdesk_app::App;
use loopdesk_app::reports::{TransferCountView, TransferStatsQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::extract::Caller;
use crate::problem::ApiError;

/// Transfers between groups in a period, most frequent first (`tickets_assign`).
#[utoipa::path(get, operation_id = "transfer_stats", tag = "dispatch", params(TransferStatsQuery),
    responses((status = 200, description = "Counts per pair of groups", body = Vec<TransferCountView>)))]
#[get("/reports/transfers")]
pub async fn transfers(
    app: web::Data<App>,
    caller: Caller,
    query: web::Query<TransferStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let stats = caller.run(&app, move |app, actor| app.transfer_stats(actor, &query)).await?;
    Ok(HttpResponse::Ok().json(stats))
}

/// This module's routes, each registered once: actix routes it and the OpenAPI document describes it.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(transfers);
}
