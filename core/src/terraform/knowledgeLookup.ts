/**
 * What the analysis needs from the replacement knowledge base. `ReplacementKnowledgeBase`
 * (knowledgeBase/knowledgeBase.ts) implements it; keeping the analysis on this narrow interface
 * keeps it independent of how the data is stored and loaded.
 */
import type { ProviderKnowledge, ResourceKnowledge } from './knowledgeBase/format';

export interface KnowledgeLookup {
  resource(resourceType: string): { type: string; knowledge: ResourceKnowledge; provider: ProviderKnowledge['provider'] } | undefined;
  statefulReason(resourceType: string): string | undefined;
  /**
   * The provider the knowledge base files resource types of this name under (by exact type or by
   * prefix, `local_` → hashicorp/local), whether or not it knows this very type; undefined when no
   * provider of the knowledge base claims the name.
   */
  providerFor(resourceType: string): ProviderKnowledge['provider'] | undefined;
}
