/** Counters and a latency histogram, exposed in Prometheus text format. */
export class Metrics {
  private readonly diagnoses = new Map<string, number>();
  private notRecognised = 0;
  /** Per failure mode: [not helpful, helpful]. */
  private readonly feedback = new Map<string, [number, number]>();
  private feedbackEvictedCount = 0;
  private readonly buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  private readonly bucketCounts = new Array<number>(this.buckets.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;
  private readonly rejected = new Map<string, number>();
  private readonly tickets = { opened: 0, assigned: 0, resolved: 0, reopened: 0, undelivered: 0 };
  private readonly resolveBuckets = [300, 900, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600];
  private readonly resolveBucketCounts = new Array<number>(this.resolveBuckets.length).fill(0);
  private resolveSum = 0;

  diagnosed(failureMode: string): void {
    this.diagnoses.set(failureMode, (this.diagnoses.get(failureMode) ?? 0) + 1);
  }

  notRecognisedPaste(): void {
    this.notRecognised++;
  }

  feedbackGiven(failureMode: string, helpful: boolean): void {
    const counts = this.feedback.get(failureMode) ?? [0, 0];
    counts[helpful ? 1 : 0]++;
    this.feedback.set(failureMode, counts);
  }

  feedbackEvicted(): void {
    this.feedbackEvictedCount++;
  }

  rejectedRequest(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  ticketOpened(): void {
    this.tickets.opened++;
  }

  ticketAssigned(): void {
    this.tickets.assigned++;
  }

  /** A ticket resolved, `seconds` after it was opened. */
  ticketResolved(seconds: number): void {
    this.tickets.resolved++;
    this.resolveSum += seconds;
    this.resolveBuckets.forEach((le, i) => {
      if (seconds <= le) this.resolveBucketCounts[i] = (this.resolveBucketCounts[i] ?? 0) + 1;
    });
  }

  ticketReopened(): void {
    this.tickets.reopened++;
  }

  /** A ticket card the support channel did not take (deleted, or the bot removed). */
  ticketUndelivered(): void {
    this.tickets.undelivered++;
  }

  turnSeconds(seconds: number): void {
    this.latencySum += seconds;
    this.latencyCount++;
    this.buckets.forEach((le, i) => {
      if (seconds <= le) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    });
  }

  render(failureModes: readonly string[]): string {
    const lines = [
      '# HELP connector_doctor_diagnoses_total Pastes diagnosed, by failure mode.',
      '# TYPE connector_doctor_diagnoses_total counter',
      ...failureModes.map((id) => `connector_doctor_diagnoses_total{failure_mode="${id}"} ${this.diagnoses.get(id) ?? 0}`),
      '# HELP connector_doctor_not_recognised_total Pastes the matcher abstained on.',
      '# TYPE connector_doctor_not_recognised_total counter',
      `connector_doctor_not_recognised_total ${this.notRecognised}`,
      '# HELP connector_doctor_feedback_total Feedback on diagnoses, by failure mode; a repeated press is not counted again.',
      '# TYPE connector_doctor_feedback_total counter',
      ...failureModes.flatMap((id) => {
        const [notHelpful, helpful] = this.feedback.get(id) ?? [0, 0];
        return [`connector_doctor_feedback_total{failure_mode="${id}",helpful="true"} ${helpful}`, `connector_doctor_feedback_total{failure_mode="${id}",helpful="false"} ${notHelpful}`];
      }),
      '# HELP connector_doctor_feedback_evicted_total Feedback records memory storage let go, oldest first, to stay within STATE_MAX_FEEDBACK.',
      '# TYPE connector_doctor_feedback_evicted_total counter',
      `connector_doctor_feedback_evicted_total ${this.feedbackEvictedCount}`,
      '# HELP connector_doctor_rejected_requests_total Requests refused before the bot saw them.',
      '# TYPE connector_doctor_rejected_requests_total counter',
      ...[...this.rejected].map(([reason, n]) => `connector_doctor_rejected_requests_total{reason="${reason}"} ${n}`),
      '# HELP connector_doctor_turn_seconds Time to handle one activity.',
      '# TYPE connector_doctor_turn_seconds histogram',
      ...this.buckets.map((le, i) => `connector_doctor_turn_seconds_bucket{le="${le}"} ${this.bucketCounts[i] ?? 0}`),
      `connector_doctor_turn_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `connector_doctor_turn_seconds_sum ${this.latencySum}`,
      `connector_doctor_turn_seconds_count ${this.latencyCount}`,
      '# HELP connector_doctor_tickets_total Support tickets, by what happened to them.',
      '# TYPE connector_doctor_tickets_total counter',
      ...Object.entries(this.tickets).map(([event, n]) => `connector_doctor_tickets_total{event="${event}"} ${n}`),
      '# HELP connector_doctor_ticket_resolve_seconds Time from opening a ticket to resolving it.',
      '# TYPE connector_doctor_ticket_resolve_seconds histogram',
      ...this.resolveBuckets.map((le, i) => `connector_doctor_ticket_resolve_seconds_bucket{le="${le}"} ${this.resolveBucketCounts[i] ?? 0}`),
      `connector_doctor_ticket_resolve_seconds_bucket{le="+Inf"} ${this.tickets.resolved}`,
      `connector_doctor_ticket_resolve_seconds_sum ${this.resolveSum}`,
      `connector_doctor_ticket_resolve_seconds_count ${this.tickets.resolved}`,
    ];
    return lines.join('\n') + '\n';
  }
}
