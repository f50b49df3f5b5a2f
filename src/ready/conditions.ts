/**
 * The conditions of a plan that are tried again and again: `port`, `url`,
 * `file`, `check`.
 *
 * @module
 */

import { checkCondition } from "./check.ts";
import type { Condition } from "./condition.ts";
import { fileCondition } from "./file.ts";
import { portCondition } from "./port.ts";
import { urlCondition } from "./url.ts";
import type { ReadyPlan } from "../validate/ready.ts";

/** Starts trying each polled condition of `plan`. */
export function polledConditions(plan: ReadyPlan): Condition[] {
  const { interval } = plan;
  const conditions: Condition[] = [];
  if (plan.port) {
    conditions.push(portCondition(plan.port.host, plan.port.port, interval));
  }
  if (plan.url) conditions.push(urlCondition(plan.url, interval));
  if (plan.file !== undefined) {
    conditions.push(fileCondition(plan.file, interval));
  }
  if (plan.check) conditions.push(checkCondition(plan.check, interval));
  return conditions;
}
