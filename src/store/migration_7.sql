-- Migration 7: R15 capacity at the decision (domain.md R15).
--
-- A decision that fills a place beyond the organisation's declared places
-- carries the coordinator's written reason, as a proposal awaiting four eyes
-- does until it is approved. The granted periods of one organisation over a
-- period are found from an index instead of every decision of it.
ALTER TABLE decisions ADD COLUMN over_capacity_reason TEXT;
ALTER TABLE decision_proposals ADD COLUMN over_capacity_reason TEXT;
CREATE INDEX decisions_org_period ON decisions(organisation_id, to_day, from_day);
