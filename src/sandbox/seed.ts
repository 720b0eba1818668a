/**
 * The fresh state: what `reset` and a first start without a state file give. It holds what the seed
 * example and the docs' walkthrough need (advertiser 1234 with standard CPA line item 205) plus a second
 * advertiser with a mix of line items and a console-made pixel, so that imports and plans have something
 * realistic to find.
 */
import { DEFAULT_MEMBER_ID } from './auth.js';
import { FIRST_IDS } from './store.js';
import { newAdvertiser, newLineItem, newMember, newPixel, newProfile } from './records.js';
import type { LineItemRecord, MemberRecord, SandboxState, SandboxUser } from './types.js';

/** Seed objects carry a fixed timestamp so that two fresh sandboxes hold identical state. */
const SEEDED_AT = Date.UTC(2024, 0, 1);

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
    lineItem(205, 1234, { name: 'Seed Line Item', line_item_type: 'standard_v1', revenue_type: 'cpa', revenue_value: 0 }),
    lineItem(206, 1234, {
      name: 'Seed Augmented Line Item',
      code: 'seed-ali',
      line_item_type: 'standard_v2',
      revenue_type: 'cpm',
      revenue_value: 2.5,
      profile_id: 7206,
    }),
    lineItem(501, 5678, { name: 'Acme Spring Prospecting', code: 'acme-spring', revenue_type: 'cpa', revenue_value: 0 }),
    lineItem(502, 5678, { name: 'Acme Retargeting', code: 'acme-retargeting', line_item_type: 'standard_v2', revenue_type: 'cpm', revenue_value: 4 }),
    lineItem(503, 5678, {
      name: 'Acme Brand Awareness',
      code: 'acme-brand',
      revenue_type: 'cpm',
      revenue_value: 1.75,
      pixels: [{ id: 777, state: 'active', post_click_revenue: null, post_view_revenue: null }],
    }),
  ];
  return state;
}
