//! serde for the parameter lists: a map of the parameters present, typed (as the fields of the
//! lists were before they kept their text), unknown ones under `other`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{MailParams, Param, RcptParams};

impl Serialize for MailParams<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.size() {
            m.serialize_entry("size", &v)?;
        }
        if let Some(v) = self.body() {
            m.serialize_entry("body", &v)?;
        }
        if self.smtputf8() {
            m.serialize_entry("smtputf8", &true)?;
        }
        if let Some(v) = self.ret() {
            m.serialize_entry("ret", &v)?;
        }
        if let Some(v) = self.envid() {
            m.serialize_entry("envid", &v)?;
        }
        if let Some(v) = self.auth() {
            m.serialize_entry("auth", &v)?;
        }
        if self.requiretls() {
            m.serialize_entry("requiretls", &true)?;
        }
        if let Some(v) = self.mt_priority() {
            m.serialize_entry("mt_priority", &v)?;
        }
        if let Some(v) = self.hold() {
            m.serialize_entry("hold", &v)?;
        }
        if let Some(v) = self.by() {
            m.serialize_entry("by", &v)?;
        }
        let other: Vec<Param<'_>> = self.other().collect();
        if !other.is_empty() {
            m.serialize_entry("other", &other)?;
        }
        m.end()
    }
}

impl Serialize for RcptParams<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.notify() {
            m.serialize_entry("notify", &v)?;
        }
        if let Some(v) = self.orcpt() {
            m.serialize_entry("orcpt", &v)?;
        }
        let other: Vec<Param<'_>> = self.other().collect();
        if !other.is_empty() {
            m.serialize_entry("other", &other)?;
        }
        m.end()
    }
}
