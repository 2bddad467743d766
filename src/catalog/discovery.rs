//! Local servers (Ollama, vLLM, llama.cpp, LM Studio, TGI) probed on their default ports.
