import { z } from 'zod';

/**
 * The contract of the connection routes (API.md "Connected social accounts"): request and
 * response schemas, used to validate input and, with issue 15's machinery, to document it.
 */
export const POST_TEXT_MAX = 280;

export const ProviderIdSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
export const ConnectionIdSchema = z.string().regex(/^con_[0-9a-f]{32}$/);
export const ScopeSchema = z.string().min(1).max(100);

export const CreateConnectionBody = z.object({
  provider: z.string().max(64),
  scopes: z.array(ScopeSchema).min(1).max(20).optional(),
});

export const CreateConnectionResponse = z.object({
  connectUrl: z.string().url(),
  expiresAt: z.string(),
});

export const ProvidersResponse = z.object({
  providers: z.array(z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()) })),
});

export const ConnectionSchema = z.object({
  id: z.string(),
  provider: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'needs_reauth']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const ConnectionsResponse = z.object({ connections: z.array(ConnectionSchema) });

export const ConnectionParams = z.object({ id: z.string().max(64) });

export const StartQuery = z.object({ state: z.string().max(128) });

export const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(128).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});

export const PostSchema = z.object({ id: z.string(), text: z.string(), createdAt: z.string() });

/** 1–280 characters, counted as people count them (code points), not UTF-16 units. */
export const PublishPostBody = z.object({
  text: z
    .string()
    .refine((t) => t.trim().length > 0, { message: 'The text must not be empty.' })
    .refine((t) => [...t].length <= POST_TEXT_MAX, { message: `The text must be at most ${POST_TEXT_MAX} characters.` }),
});

export const PostsResponse = z.object({ posts: z.array(PostSchema) });
export const PublishPostResponse = z.object({ post: PostSchema });

/** What the provider's API answers: checked, so garbage is a 502 rather than a 500 or a leak. */
export const ProviderPostsAnswer = z.object({
  posts: z.array(z.object({ id: z.string().max(200), text: z.string().max(10_000), createdAt: z.string().max(64) })).max(1000),
});
export const ProviderPostAnswer = z.object({ post: z.object({ id: z.string().max(200), text: z.string().max(10_000), createdAt: z.string().max(64) }) });
export const ProviderAccountAnswer = z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional() });
