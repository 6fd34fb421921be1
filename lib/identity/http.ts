/**
 * Body limit of the routes that take a password. Large enough that an oversized password reaches
 * the policy and is refused with a 400 `password_too_long` (a 1 MB password included) rather than
 * a bare 413, small enough to bound the JSON parse; the policy refuses anything over 1,024 UTF-16
 * units before normalising or hashing.
 */
export const PASSWORD_BODY_LIMIT = 2 * 1024 * 1024;
