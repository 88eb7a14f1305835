export interface SalesSummary {
  /** yyyy-mm-dd */
  readonly day: string;
  readonly orders: number;
  readonly revenue: number;
}

export interface SalesSource {
  summarize(day: string, options?: { signal?: AbortSignal }): Promise<SalesSummary>;
}

/**
 * The example jobs' sales data: figures derived from the date, so every run of the examples is
 * repeatable. Replace it with your own data source.
 */
export function createSampleSalesSource(): SalesSource {
  return {
    async summarize(day) {
      const seed = [...day].reduce((total, char) => total * 31 + char.charCodeAt(0), 7) % 1000;
      return { day, orders: 100 + seed, revenue: Math.round((100 + seed) * 42.5 * 100) / 100 };
    },
  };
}
