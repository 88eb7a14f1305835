export interface ExportStore {
  /** Deletes up to `limit` export files created before `cutoff`; returns how many it deleted. */
  deleteOlderThan(cutoff: Date, limit: number): Promise<number>;
}

/** The example cleanup job's store: an in-memory list of export files, for demonstration. */
export function createSampleExportStore(createdAt: readonly Date[] = []): ExportStore {
  const files = [...createdAt];
  return {
    async deleteOlderThan(cutoff, limit) {
      let deleted = 0;
      for (let index = files.length - 1; index >= 0 && deleted < limit; index--) {
        if ((files[index] as Date) < cutoff) {
          files.splice(index, 1);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}
