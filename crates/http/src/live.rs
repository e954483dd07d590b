//! Live delivery of in-app notifications to browsers over Server-Sent Events. One feed thread per instance reads
//! new notifications (woken by PostgreSQL LISTEN/NOTIFY, so every instance hears every commit; on SQLite by
//! looking for new rows) and broadcasts them to the streams of this instance, each filtered to its user.

use std::sync::Arc;
use std::time::Duration;

use loopdesk_app::App;
use loopdesk_app::notifications::NotificationView;
use tokio::sync::broadcast;

/// How often the feed looks for news.
const FEED_INTERVAL: Duration = Duration::from_millis(500);

/// The broadcast side of the live feed; cheap to clone.
#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<Arc<(i64, NotificationView)>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").field("streams", &self.sender.receiver_count()).finish()
    }
}

impl Live {
    /// Starts the feed thread of this instance.
    pub fn start(app: &App) -> Live {
        let (sender, _) = broadcast::channel(1024);
        let live = Live { sender };
        let feeding = live.clone();
        let app = app.clone();
        std::thread::Builder::new()
            .name("live-feed".into())
            .spawn(move || feeding.run(app))
            .expect("start the live feed");
        live
    }

    fn run(&self, app: App) {
        loop {
            match app.notification_feed() {
                Ok(mut feed) => loop {
                    match feed.poll() {
                        Ok(items) => {
                            for item in items {
                                // No stream listening is fine: the notification centre has it anyway.
                                let _ = self.sender.send(Arc::new(item));
                            }
                        }
                        Err(e) => {
                            log::warn!("live feed: {e}; reconnecting");
                            break;
                        }
                    }
                    std::thread::sleep(FEED_INTERVAL);
                },
                Err(e) => log::warn!("live feed cannot start: {e}"),
            }
            std::thread::sleep(Duration::from_secs(2));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<(i64, NotificationView)>> {
        self.sender.subscribe()
    }
}
