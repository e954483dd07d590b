// The entry's first import: resume a stored session before anything else of the app runs, so the
// refresh round trip overlaps the evaluation of the rest of the code and the first render.
import { sessionAtStart } from './session';

void sessionAtStart();
