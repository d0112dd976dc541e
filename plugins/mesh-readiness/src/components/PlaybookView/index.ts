export { PlaybooksTab, PlaybookView, PlaybookIndex } from './PlaybookView';
