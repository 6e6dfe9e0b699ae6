import type { Storage } from 'botbuilder';
import { z } from 'zod';
import { BoundedMemoryStorage } from './BoundedMemoryStorage';
import { isFeedbackKey } from './FeedbackStore';
import { isSupportDeskKey } from './SupportDeskStore';

export const MemoryStorageConfig = z.object({
  kind: z.literal('memory'),
  /** Defaults are BoundedMemoryStorage's. */
  maxEntries: z.number().int().positive().optional(),
  idleTtlMs: z.number().int().positive().optional(),
  /** Feedback records kept, the most recent; apart from maxEntries. */
  maxFeedback: z.number().int().positive().optional(),
});
export type MemoryStorageConfig = z.infer<typeof MemoryStorageConfig>;

export const BlobStorageConfig = z.object({
  kind: z.literal('blob'),
  connectionString: z.string().min(1),
  /** Azure's container name rule: 3–63 of a–z, 0–9 and single hyphens, starting and ending alphanumeric. */
  container: z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/),
});
export type BlobStorageConfig = z.infer<typeof BlobStorageConfig>;

export const StorageConfig = z.discriminatedUnion('kind', [MemoryStorageConfig, BlobStorageConfig]);
export type StorageConfig = z.infer<typeof StorageConfig>;

export interface StorageEvents {
  /** Memory storage let a feedback record go to stay within maxFeedback. */
  onFeedbackEvicted?: () => void;
}

/**
 * Memory keeps feedback records, support channels and tickets apart from conversation state, which
 * neither expires nor pushes them out, and lets the least recently written of them go beyond
 * maxFeedback; blob keeps every record, and creates its container before first use.
 */
export async function createStorage(config: StorageConfig, { onFeedbackEvicted }: StorageEvents = {}): Promise<Storage> {
  switch (config.kind) {
    case 'memory':
      return new BoundedMemoryStorage({
        maxEntries: config.maxEntries,
        idleTtlMs: config.idleTtlMs,
        keep: (key) => isFeedbackKey(key) || isSupportDeskKey(key),
        maxKept: config.maxFeedback,
        onKeptEvicted: (key) => {
          if (isFeedbackKey(key)) onFeedbackEvicted?.();
        },
      });
    case 'blob': {
      // Loaded only when configured: the Azure SDK costs some 45 MB of memory a bot on memory storage never uses.
      const [{ BlobServiceClient }, { BlobsStorage }] = await Promise.all([import('@azure/storage-blob'), import('botbuilder-azure-blobs')]);
      await BlobServiceClient.fromConnectionString(config.connectionString).getContainerClient(config.container).createIfNotExists();
      return new BlobsStorage(config.connectionString, config.container);
    }
  }
}
