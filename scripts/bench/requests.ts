/** What the warm scenarios share: the routes a signed-in account's setup needs, and its header. */
export const IDENTITY = ['POST /v1/signup', 'POST /v1/signup/verify', 'POST /v1/sessions'];
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
