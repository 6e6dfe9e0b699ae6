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
    ];
    return lines.join('\n') + '\n';
  }
}
