//! SLA events in words, for the ticket history and notifications.

use super::clock::{SlaEvent, SlaEventKind, SlaMetric};
use crate::locale::Locale;

impl SlaEvent {
    /// One line for the history: `resolution SLA breached (target 240 min)` / `解决时限已超时（目标 240 分钟）`.
    pub fn render(&self, locale: Locale) -> String {
        sla_words(self.metric, self.kind, self.target_minutes, locale)
    }
}

/// An SLA event of a clock in words (history lines and SLA notification titles share them).
pub fn sla_words(metric: SlaMetric, kind: SlaEventKind, target_minutes: u32, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => {
            let metric = match metric {
                SlaMetric::FirstResponse => "首次响应",
                SlaMetric::Resolution => "解决",
            };
            let kind = match kind {
                SlaEventKind::Started => "开始计时",
                SlaEventKind::Paused => "暂停计时（等待客户）",
                SlaEventKind::Resumed => "恢复计时",
                SlaEventKind::Met => "已达成",
                SlaEventKind::Reopened => "重新计时（工单重开）",
                SlaEventKind::Retargeted => "目标已调整",
                SlaEventKind::Cancelled => "已取消",
                SlaEventKind::Warning => "即将超时",
                SlaEventKind::Breached => "已超时",
            };
            format!("{metric}时限{kind}（目标 {target_minutes} 分钟）")
        }
        Locale::En => {
            let metric = match metric {
                SlaMetric::FirstResponse => "first response",
                SlaMetric::Resolution => "resolution",
            };
            let kind = match kind {
                SlaEventKind::Started => "started",
                SlaEventKind::Paused => "paused (waiting on the customer)",
                SlaEventKind::Resumed => "resumed",
                SlaEventKind::Met => "met",
                SlaEventKind::Reopened => "running again (reopened)",
                SlaEventKind::Retargeted => "target changed",
                SlaEventKind::Cancelled => "cancelled",
                SlaEventKind::Warning => "about to be breached",
                SlaEventKind::Breached => "breached",
            };
            format!("{metric} SLA {kind} (target {target_minutes} min)")
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn events_read_in_both_languages() {
        let event = SlaEvent {
            metric: SlaMetric::Resolution,
            kind: SlaEventKind::Breached,
            at: Utc.with_ymd_and_hms(2026, 10, 9, 18, 0, 0).unwrap(),
            due_at: None,
            target_minutes: 240,
        };
        assert_eq!(event.render(Locale::En), "resolution SLA breached (target 240 min)");
        assert_eq!(event.render(Locale::ZhCn), "解决时限已超时（目标 240 分钟）");
    }
}
