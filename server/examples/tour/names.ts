/** The tour's names and bounds: a pure module (no server import), so the page imports it too. */
export const SCRATCH_TOPIC = 'learn.scratch';
export const SCRATCH_PARTITIONS = 3;
export const TOUR_GROUP = 'learn.tour-group';
export const MAX_MEMBERS = 4;
/** The tour's default retention (ten minutes) and the short one its retention step sets. */
export const SCRATCH_RETENTION_MS = 600_000;
export const SHORT_RETENTION_MS = 20_000;
