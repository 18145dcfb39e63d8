/**
 * What the analysis needs from the replacement knowledge base. `ReplacementKnowledgeBase`
 * (knowledgeBase/knowledgeBase.ts) implements it; keeping the analysis on this narrow interface
 * keeps it independent of how the data is stored and loaded.
 */
import type { ProviderKnowledge, ResourceKnowledge } from './knowledgeBase/format';

export interface KnowledgeLookup {
  resource(resourceType: string): { type: string; knowledge: ResourceKnowledge; provider: ProviderKnowledge['provider'] } | undefined;
  statefulReason(resourceType: string): string | undefined;
}
