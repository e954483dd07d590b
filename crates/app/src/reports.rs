//! Reports (数据分析与报表): what managers decide by. Today the transfers between groups; the metrics, dashboards and
//! exports of module 8 grow here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use loopdesk_domain::policy::{self, Actor, Permission};
use loopdesk_persistence::queries::{directory, reports as q};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferStatsQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// How often tickets moved from one group to another (转交统计).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferCountView {
    pub from_group_id: Option<i64>,
    #[schema(example = "技术部")]
    pub from_group_name: Option<String>,
    pub to_group_id: Option<i64>,
    #[schema(example = "产品部")]
    pub to_group_name: Option<String>,
    #[schema(example = 12)]
    pub count: i64,
}

impl App {
    /// Transfers between groups in a period, most frequent first (转交统计).
    pub fn transfer_stats(&self, actor: &Actor, query: &TransferStatsQuery) -> AppResult<Vec<TransferCountView>> {
        policy::require(actor, Permission::TicketsAssign)?;
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from >= to
        {
            return Err(AppError::invalid("to", "must be after from"));
        }
        let mut conn = self.conn()?;
        let counts = q::transfer_counts(&mut conn, query.from.map(|t| t.naive_utc()), query.to.map(|t| t.naive_utc()))?;
        let parse = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
        let mut ids: Vec<i64> = counts.iter().flat_map(|(a, b, _)| [parse(a), parse(b)]).flatten().collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<i64, String> = directory::group_names(&mut conn, &ids)?.into_iter().collect();
        let mut views: Vec<TransferCountView> = counts
            .iter()
            .map(|(from, to, count)| {
                let (from, to) = (parse(from), parse(to));
                TransferCountView {
                    from_group_id: from,
                    from_group_name: from.and_then(|id| names.get(&id).cloned()),
                    to_group_id: to,
                    to_group_name: to.and_then(|id| names.get(&id).cloned()),
                    count: *count,
                }
            })
            .collect();
        views.sort_by(|a, b| b.count.cmp(&a.count).then(a.from_group_id.cmp(&b.from_group_id)));
        Ok(views)
    }
}
