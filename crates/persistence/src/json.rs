//! Typed values in JSON text columns. Lists, maps and domain structures (field definitions, conditions,
//! calendars, SLA clocks …) are kept as JSON text, the one representation both backends share; a row field
//! of type `Json<T>` is encoded on write and decoded on read here, at the row boundary, so no use case
//! parses a column by hand. A stored value that no longer reads as `T` is a deserialization error naming
//! the type, never a silent default.

use std::fmt::Debug;
use std::io::Write;
use std::ops::{Deref, DerefMut};

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::MultiBackend;

/// A value stored as JSON text.
#[derive(Debug, Clone, Default, PartialEq, AsExpression, FromSqlRow, serde::Serialize, serde::Deserialize)]
#[diesel(sql_type = Text)]
#[serde(transparent)]
pub struct Json<T>(pub T);

/// A JSON object column (custom field values).
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

fn decode<T: DeserializeOwned>(text: &str) -> deserialize::Result<Json<T>> {
    serde_json::from_str(text)
        .map(Json)
        .map_err(|e| format!("unreadable JSON column as {}: {e}", std::any::type_name::<T>()).into())
}

impl<T: DeserializeOwned> FromSql<Text, Sqlite> for Json<T> {
    fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
        decode(&text)
    }
}

impl<T: DeserializeOwned> FromSql<Text, Pg> for Json<T> {
    fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
        decode(&text)
    }
}

impl<T: DeserializeOwned> FromSql<Text, MultiBackend> for Json<T>
where
    Json<T>: FromSql<Text, Pg> + FromSql<Text, Sqlite>,
{
    fn from_sql(bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Self, Text>()
    }
}

impl<T: Serialize + Debug> ToSql<Text, Sqlite> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl<T: Serialize + Debug> ToSql<Text, Pg> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(serde_json::to_string(&self.0)?.as_bytes())?;
        Ok(IsNull::No)
    }
}

impl<T: Serialize + Debug + Send + Sync + 'static> ToSql<Text, MultiBackend> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Text, self));
        Ok(IsNull::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_no_longer_reads_names_its_type() {
        let err = decode::<Vec<i64>>("[\"x\"]").unwrap_err().to_string();
        assert!(err.contains("Vec<i64>"), "{err}");
    }

    #[test]
    fn reads_what_it_wrote() {
        let tags = vec!["电梯".to_string(), "vip".to_string()];
        let text = serde_json::to_string(&Json(tags.clone()).0).unwrap();
        assert_eq!(decode::<Vec<String>>(&text).unwrap(), Json(tags));
    }
}
