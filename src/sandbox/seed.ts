/**
 * The fresh state: what `reset` and a first start without a state file give. It holds what the seed
 * example and the docs' walkthrough need (advertiser 1234 with standard CPA line item 205) plus a second
 * advertiser with a mix of line items and a console-made pixel, so that imports and plans have something
 * realistic to find. Every line item carries the business facts a reviewer reads (state, flight or budget
 * intervals, budgets, revenue and goal types).
 */
import { DEFAULT_MEMBER_ID } from './auth.js';
import { FIRST_IDS } from './store.js';
import { newAdvertiser, newLineItem, newMember, newPixel, newProfile } from './records.js';
import type { LineItemRecord, MemberRecord, SandboxState, SandboxUser } from './types.js';

/** Seed objects carry a fixed timestamp so that two fresh sandboxes hold identical state. */
const SEEDED_AT = Date.UTC(2024, 0, 1);

/**
 * Flights in flight now and for years, so that review context ("impact") shows live line items; the dates
 * are in the advertiser's time zone, as line-item-service.md says, and an end date is inclusive (23:59:59).
 */
const FLIGHT = { start_date: '2025-01-01 00:00:00', end_date: '2030-12-31 23:59:59' } as const;

/** One member per distinct memberId of the users; 958 is "Sandbox Member". */
export function membersFor(users: SandboxUser[]): MemberRecord[] {
  const ids = [...new Set(users.map((u) => u.memberId ?? DEFAULT_MEMBER_ID))];
  return ids.map((id) => newMember(id, id === DEFAULT_MEMBER_ID ? 'Sandbox Member' : `Member ${id}`));
}

export function emptyState(users: SandboxUser[]): SandboxState {
  return {
    format: 'xandr-sync-sandbox',
    version: 2,
    sequences: { ...FIRST_IDS },
    members: membersFor(users),
    advertisers: [],
    segments: [],
    pixels: [],
    lineItems: [],
    profiles: [],
    changeLog: [],
  };
}

export function freshState(users: SandboxUser[]): SandboxState {
  const state = emptyState(users);
  if (!state.members.some((m) => m.id === DEFAULT_MEMBER_ID)) state.members.unshift(newMember(DEFAULT_MEMBER_ID, 'Sandbox Member'));
  const m = DEFAULT_MEMBER_ID;
  state.advertisers = [
    { ...newAdvertiser(1234, m, SEEDED_AT), name: 'Seed Advertiser', code: 'seed-advertiser' },
    { ...newAdvertiser(5678, m, SEEDED_AT), name: 'Acme Outdoor', code: 'acme-outdoor' },
  ];
  state.pixels = [{ ...newPixel(777, 5678, m, SEEDED_AT), name: 'Acme Legacy Checkout', trigger_type: 'click' }];
  // Line item 206 has a profile without segment targeting (205 has none), so both "create the targeting" and
  // "fill in an existing profile" can be demonstrated.
  state.profiles = [{ ...newProfile(7206, 1234, m, SEEDED_AT), description: 'Seed Augmented Line Item targeting' }];
  const lineItem = (id: number, advertiserId: number, fields: Partial<LineItemRecord>): LineItemRecord => ({
    ...newLineItem(id, advertiserId, m, SEEDED_AT),
    ...fields,
  });
  state.lineItems = [
    lineItem(205, 1234, {
      name: 'Seed Line Item',
      line_item_type: 'standard_v1',
      revenue_type: 'cpa',
      revenue_value: 0,
      ...FLIGHT,
      lifetime_budget: 50_000,
      daily_budget: 500,
    }),
    lineItem(206, 1234, {
      name: 'Seed Augmented Line Item',
      code: 'seed-ali',
      line_item_type: 'standard_v2',
      revenue_type: 'cpm',
      revenue_value: 2.5,
      profile_id: 7206,
      ...FLIGHT,
      lifetime_budget: 20_000,
      daily_budget: 250,
      goal_type: 'ctr',
      valuation: { min_margin_pct: null, goal_threshold: null, goal_target: 0.15, performance_mkt_managed: false, campaign_group_valuation_strategy: null },
    }),
    // The seamless one: no flight dates or budget on the line item, one budget interval (the current one) instead.
    lineItem(501, 5678, {
      name: 'Acme Spring Prospecting',
      code: 'acme-spring',
      revenue_type: 'cpa',
      revenue_value: 0,
      goal_type: 'cpc',
      valuation: { min_margin_pct: null, goal_threshold: 2, goal_target: 1.25, performance_mkt_managed: false, campaign_group_valuation_strategy: null },
      insertion_orders: [{ id: 56_780, state: 'active', code: null, name: 'Acme Always On', advertiser_id: 5678, start_date: null, end_date: null, timezone: 'EST5EDT', currency: 'USD' }],
      budget_intervals: [
        {
          id: 50_101,
          object_id: 501,
          object_type: 'campaign_group',
          ...FLIGHT,
          timezone: 'EST5EDT',
          parent_interval_id: 567_801,
          lifetime_budget: 120_000,
          lifetime_budget_imps: null,
          lifetime_pacing: true,
          enable_pacing: true,
          daily_budget: null,
          daily_budget_imps: null,
        },
      ],
    }),
    // The one that has ended, for contrast.
    lineItem(502, 5678, {
      name: 'Acme Retargeting',
      code: 'acme-retargeting',
      line_item_type: 'standard_v2',
      revenue_type: 'cpm',
      revenue_value: 4,
      start_date: '2024-03-01 00:00:00',
      end_date: '2024-06-30 23:59:59',
      lifetime_budget: 8_000,
      daily_budget: 100,
    }),
    // Optimises to the console pixel it carries.
    lineItem(503, 5678, {
      name: 'Acme Brand Awareness',
      code: 'acme-brand',
      revenue_type: 'cpm',
      revenue_value: 1.75,
      pixels: [{ id: 777, state: 'active', post_click_revenue: null, post_view_revenue: null }],
      ...FLIGHT,
      lifetime_budget: 30_000,
      daily_budget: 300,
      goal_type: 'cpa',
      goal_pixels: [
        {
          id: 777,
          state: 'active',
          trigger_type: 'click',
          post_click_goal_target: 12.5,
          post_view_goal_target: 4,
          post_click_goal_threshold: null,
          post_view_goal_threshold: null,
        },
      ],
    }),
  ];
  return state;
}
