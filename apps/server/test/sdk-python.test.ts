import { describeOwnTests, describeSdkVariant, pythonHost, pythonShim } from './sdk-fixture.ts';

describeOwnTests('Python', 'python3', ['-m', 'unittest', 'discover', '-s', 'tests'], 'python');
describeSdkVariant(pythonShim(false));
describeSdkVariant(pythonShim(true));
describeSdkVariant(pythonHost(false));
describeSdkVariant(pythonHost(true));
