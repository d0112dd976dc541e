export {
  buildCiEvaluationFacts,
  buildCiFactsExport,
  type CiFactsExport,
} from './ciFacts';
