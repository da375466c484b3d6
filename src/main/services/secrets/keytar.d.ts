// keytar is an optional dependency: where npm could not build it (no libsecret at install time)
// its package, and with it its types, are absent. It is only loaded dynamically and narrowed to
// KeytarLike, so the type-check of a fresh install must not depend on it being there.
declare module 'keytar';
